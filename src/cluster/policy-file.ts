// A rendered file of policies/: its path and its text, YAML documents under one header.
import { stringify } from 'yaml'

export interface PolicyFile {
  /** Relative to policies/. */
  path: string
  text: string
}

const HEADER =
  '# Rendered by `npm run policies` from the constants vouch signs with; edit the renderer, not this file.\n'

// YAML 1.1 quoting: Kubernetes and gator read YAML with 1.1 rules, where a bare `no` or `yes` is a boolean.
export function yamlFile(path: string, documents: unknown[]): PolicyFile {
  const body = documents
    .map((document) => stringify(document, { lineWidth: 0, singleQuote: true, version: '1.1' }))
    .join('---\n')
  return { path, text: HEADER + body }
}

// A rendered file of policies/: its path and its text, YAML documents under one header.
import { stringify } from 'yaml'

export interface PolicyFile {
  /** Relative to policies/. */
  path: string
  text: string
}

const HEADER =
  '# Rendered by `npm run policies` from the constants vouch signs with; edit the renderer, not this file.\n'

export function yamlFile(path: string, documents: unknown[]): PolicyFile {
  const body = documents.map((document) => stringify(document, { lineWidth: 0, singleQuote: true })).join('---\n')
  return { path, text: HEADER + body }
}

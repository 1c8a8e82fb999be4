// Reads policies/ as committed, and the Kyverno fixtures the policy tests validate against.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse, parseAllDocuments } from 'yaml'

export const POLICIES_DIR = new URL('../../../policies/', import.meta.url)
export const KYVERNO_FIXTURES = new URL('../../fixtures/kyverno/', import.meta.url)

/** A parsed Kubernetes object, loosely typed: the tests walk it by path. */
export type KubeObject = Record<string, unknown>

/** Every file under policies/, relative to it, README included. */
export function committedFiles(): string[] {
  const root = POLICIES_DIR.pathname
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort()
}

export function committedText(file: string): string {
  return readFileSync(new URL(file, POLICIES_DIR), 'utf8')
}

export function committedDocuments(file: string): KubeObject[] {
  return parseAllDocuments(committedText(file)).map((document) => document.toJS() as KubeObject)
}

export function loadFixtureYaml(file: string): KubeObject {
  return parse(readFileSync(new URL(file, KYVERNO_FIXTURES), 'utf8')) as KubeObject
}

/** Follows a path of keys and indexes; undefined as soon as one step is missing. */
export function at(value: unknown, ...steps: (string | number)[]): unknown {
  let current = value
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[step]
  }
  return current
}

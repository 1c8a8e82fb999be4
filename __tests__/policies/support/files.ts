// Reads the shipped policies and the Kyverno/cosign fixtures the policy tests run against.

import { readFileSync } from 'node:fs'
import { parse, parseAllDocuments } from 'yaml'

export const POLICIES = new URL('../../../policies/', import.meta.url)
export const KYVERNO_FIXTURES = new URL('../../fixtures/kyverno/', import.meta.url)

/** Every policy file vouch ships, by file name. */
export const POLICY_FILES = [
  'restrict-image-registries.yaml',
  'disallow-latest-tag.yaml',
  'verify-vouch-signature.yaml',
  'verify-vouch-signature-bundle.yaml',
  'check-vuln-attestation.yaml',
  'require-scan-annotation.yaml',
] as const
export type PolicyFile = (typeof POLICY_FILES)[number]

/** A parsed Kubernetes object, loosely typed: the tests walk it by path. */
export type KubeObject = Record<string, unknown>

export function policyText(file: PolicyFile): string {
  return readFileSync(new URL(file, POLICIES), 'utf8')
}

export function loadPolicy(file: PolicyFile): KubeObject {
  return parse(policyText(file)) as KubeObject
}

export function fixtureText(path: string): string {
  return readFileSync(new URL(path, KYVERNO_FIXTURES), 'utf8')
}

export function loadFixtureYaml(path: string): KubeObject {
  return parse(fixtureText(path)) as KubeObject
}

export function loadFixtureDocuments(path: string): KubeObject[] {
  return parseAllDocuments(fixtureText(path)).map((document) => document.toJS() as KubeObject)
}

export function loadFixtureJson(path: string): KubeObject {
  return JSON.parse(fixtureText(path)) as KubeObject
}

/** Follows a path of keys and indexes; undefined as soon as one step is missing. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[step]
  }
  return current
}

/**
 * The commented-out alternative in a policy (YAML list items written as `# - …` lines), uncommented and
 * parsed, so a test can check that a user who switches to it gets a valid policy.
 */
export function commentedAlternative(text: string): unknown[] {
  const lines = text.split('\n')
  const start = lines.findIndex((line) => /^\s*# - /.test(line))
  if (start < 0) throw new Error('no commented-out list item')
  const indent = /^(\s*)# /.exec(lines[start] ?? '')?.[1] ?? ''
  const prefix = `${indent}# `
  const block: string[] = []
  for (const line of lines.slice(start)) {
    const content = line.startsWith(prefix) ? line.slice(prefix.length) : undefined
    if (content === undefined || !(content.startsWith('- ') || content.startsWith('  '))) break
    block.push(content)
  }
  return parse(block.join('\n')) as unknown[]
}

// Shared by the report tests: the fixture tree, and a Finding builder for gate tests that need exact values.
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Finding } from '../../src/report/model.js'

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
export const TRIVY_JSON = join(FIXTURES, 'trivy/json')
export const IGNORE_FILES = join(FIXTURES, 'trivy/ignore')

/** Every file under the Trivy JSON fixture tree, as paths relative to it (`historical/v0.18.3/alpine-310.json.golden`). */
export function trivyFixtures(): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
    )
  return walk(TRIVY_JSON)
    .map((path) => relative(TRIVY_JSON, path))
    .sort()
}

export function readFixture(name: string): string {
  return readFileSync(join(TRIVY_JSON, name), 'utf8')
}

export function readIgnoreFixture(name: string): string {
  return readFileSync(join(IGNORE_FILES, name), 'utf8')
}

/** A normalized finding with plain defaults; tests override what they are about. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'CVE-2024-0001',
    pkgName: 'openssl',
    installedVersion: '1.1.1a',
    severity: 'HIGH',
    fixable: true,
    status: 'fixed',
    fixedVersion: '1.1.1b',
    target: 'registry.example.com/app (alpine 3.19)',
    platforms: [],
    ...overrides,
  }
}

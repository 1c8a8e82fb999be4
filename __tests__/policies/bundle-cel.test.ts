// verify-vouch-signature-bundle's CEL, checked for structure only: no CEL library is installed here, and
// Kyverno's image functions (verifyImageSignatures, verifyAttestationSignatures, extractPayload) exist only
// inside Kyverno. What is checked: each validation covers every container kind, names only declared
// attestors and attestations, verifies before it extracts, and reads the predicate paths the JMESPath
// policy reads.

import { describe, expect, test } from 'vitest'
import { at, loadPolicy, type KubeObject } from './support/files.js'

const policy = loadPolicy('verify-vouch-signature-bundle.yaml')
const validations = at(policy, 'spec', 'validations') as { expression: string; message: string }[]
const attestors = (at(policy, 'spec', 'attestors') as KubeObject[]).map((attestor) => attestor.name)
const attestations = (at(policy, 'spec', 'attestations') as KubeObject[]).map((attestation) => attestation.name)

const ALL_CONTAINERS =
  '(images.containers + images.?initContainers.orValue([]) + images.?ephemeralContainers.orValue([]))'

function indexOf(fragment: string): number {
  return validations.findIndex((validation) => validation.expression.includes(fragment))
}

describe('the bundle policy’s CEL validations', () => {
  test.each(validations.map((validation) => [validation.message, validation.expression]))(
    '“%s” covers containers, init containers and ephemeral containers',
    (_message, expression) => {
      expect(expression.startsWith(ALL_CONTAINERS)).toBe(true)
    },
  )

  test.each(validations.map((validation) => [validation.message, validation.expression]))(
    '“%s” has balanced brackets and quotes',
    (_message, expression) => {
      const stack: string[] = []
      const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' }
      for (const character of expression.replace(/'[^']*'/g, "''")) {
        if ('([{'.includes(character)) stack.push(character)
        else if (character in pairs) expect(stack.pop()).toBe(pairs[character])
      }
      expect(stack).toEqual([])
      expect((expression.match(/'/g) ?? []).length % 2).toBe(0)
    },
  )

  test('name only declared attestors and attestations', () => {
    const text = validations.map((validation) => validation.expression).join('\n')
    const namedAttestors = [...text.matchAll(/attestors\.(\w+)/g)].map((match) => match[1])
    const namedAttestations = [...text.matchAll(/attestations\.(\w+)/g)].map((match) => match[1])
    expect(new Set(namedAttestors)).toEqual(new Set(attestors))
    expect(new Set(namedAttestations)).toEqual(new Set(attestations))
  })

  test('verify the signature, then the attestation, before reading the attestation', () => {
    const signature = indexOf('verifyImageSignatures(image, [attestors.vouchSignature])')
    const attestation = indexOf('verifyAttestationSignatures(image, attestations.vuln, [attestors.vouchScan])')
    const reads = validations.flatMap((validation, n) => (validation.expression.includes('extractPayload(') ? [n] : []))
    expect([signature, attestation]).toEqual([0, 1])
    expect(reads.length).toBeGreaterThan(0)
    expect(Math.min(...reads)).toBeGreaterThan(attestation)
  })

  // Kyverno holds everything an attestor verifies to that attestor's annotations; vouch signs them into the
  // image signature only, so the attestation needs an attestor without them.
  test('verify the attestation with the same key but without the signature’s annotations', () => {
    const [signature, scan] = at(policy, 'spec', 'attestors') as KubeObject[]
    expect(Object.keys(at(signature, 'cosign', 'annotations') as KubeObject).sort()).toEqual([
      'security.example.com/scan-status',
      'security.example.com/scan-thresholds',
      'security.example.com/scanner',
    ])
    expect(at(scan, 'cosign', 'annotations')).toBeUndefined()
    expect(JSON.stringify(at(signature, 'cosign', 'key'))).toMatch(/BEGIN PUBLIC KEY/)
    expect(at(scan, 'cosign', 'key')).toEqual(at(signature, 'cosign', 'key'))
    expect(at(scan, 'cosign', 'ctlog')).toEqual(at(signature, 'cosign', 'ctlog'))
  })

  test('count a verification as passed only when at least one signature verified', () => {
    for (const n of [0, 1]) expect(validations[n]?.expression.endsWith('.all(e, e > 0)')).toBe(true)
  })

  // extractPayload returns the in-toto statement, so the predicate sits under `.predicate`.
  test('read the scanner and the findings from the signed predicate', () => {
    const scanner = validations[indexOf('scanner.uri')]?.expression ?? ''
    const findings = validations[indexOf("'CRITICAL'")]?.expression ?? ''
    expect(scanner).toContain('extractPayload(image, attestations.vuln).predicate.scanner.uri')
    expect(scanner).toContain(".startsWith('pkg:github/aquasecurity/trivy@')")
    expect(findings).toContain('extractPayload(image, attestations.vuln).predicate.scanner.result')
    expect(findings).toMatch(/!has\(result\.Results\) \|\| result\.Results == null \|\| result\.Results\.all\(/)
    expect(findings).toMatch(/!has\(r\.Vulnerabilities\) \|\| r\.Vulnerabilities == null \|\|/)
    expect(findings).toContain("v.Severity != 'CRITICAL'")
  })

  test('read the same attestation type and scanner prefix as the legacy attestation policy', () => {
    const legacy = loadPolicy('check-vuln-attestation.yaml')
    const attestation = at(legacy, 'spec', 'rules', 0, 'verifyImages', 0, 'attestations', 0) as KubeObject
    expect(at(policy, 'spec', 'attestations', 0, 'intoto', 'type')).toBe(attestation.type)
    const legacyScanner = JSON.stringify(attestation.conditions).match(/pkg:github\/aquasecurity\/trivy@/)
    expect(legacyScanner).not.toBeNull()
  })
})

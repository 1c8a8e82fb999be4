// The part of SARIF 2.1.0 that vouch writes, typed after the OASIS schema (sarif-schema-2.1.0.json), so the
// compiler checks the names that code scanning reads.

export type SarifLevel = 'none' | 'note' | 'warning' | 'error'

export interface SarifMessage {
  text: string
}

export interface SarifMultiformatMessage {
  text: string
  markdown?: string
}

export interface SarifRule {
  id: string
  name: string
  shortDescription: SarifMultiformatMessage
  fullDescription: SarifMultiformatMessage
  defaultConfiguration: { level: SarifLevel }
  helpUri?: string
  help: SarifMultiformatMessage
  properties: {
    tags: string[]
    precision: 'very-high'
    /** A CVSS-like score as a string, which code scanning maps to critical/high/medium/low. */
    'security-severity': string
  }
}

export interface SarifRegion {
  startLine: number
  startColumn: number
  endLine: number
  endColumn: number
}

export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string }
    region: SarifRegion
  }
  message: SarifMessage
}

/** A result set aside on purpose: an exception, a VEX statement, ignore-unfixed. */
export interface SarifSuppression {
  kind: 'inSource' | 'external'
  state: 'accepted' | 'underReview' | 'rejected'
  justification: string
}

export interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: SarifLevel
  message: SarifMessage
  locations: SarifLocation[]
  suppressions?: SarifSuppression[]
}

export interface SarifRun {
  tool: {
    driver: {
      name: string
      fullName: string
      version: string
      informationUri: string
      rules: SarifRule[]
    }
  }
  results: SarifResult[]
  columnKind: 'utf16CodeUnits'
  properties?: Record<string, unknown>
}

export interface SarifLog {
  version: '2.1.0'
  $schema: string
  runs: SarifRun[]
}

// Validates a policy's spec against the openAPIV3Schema of the Kyverno CRD that serves it, the way the API
// server does with strict field validation (unknown fields are errors, not silently pruned), and applies the CRD's
// defaults as the API server would, so a test sees the object Kyverno sees (`mutateDigest` defaults to true).

import { Ajv, type ErrorObject } from 'ajv'
import { loadFixtureYaml } from './files.js'

const CRDS: Record<string, string> = {
  'kyverno.io/ClusterPolicy': 'crds/kyverno.io_clusterpolicies.yaml',
  'policies.kyverno.io/ImageValidatingPolicy': 'crds/policies.kyverno.io_imagevalidatingpolicies.yaml',
}

// Kubernetes extensions to OpenAPI that JSON Schema does not know; declared so ajv accepts and ignores them.
const KUBERNETES_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-validations',
]

/** Validates `spec` in place: the CRD's defaults are written into it. */
export type SpecValidator = (spec: unknown) => ErrorObject[]

const validators = new Map<string, SpecValidator>()

/** The validator for `apiVersion` (group/version) and `kind`, built once per CRD version. */
export function specValidator(apiVersion: string, kind: string): SpecValidator {
  const key = `${apiVersion}/${kind}`
  const cached = validators.get(key)
  if (cached !== undefined) return cached
  const [group, version] = apiVersion.split('/')
  const file = CRDS[`${group}/${kind}`]
  if (file === undefined || version === undefined) throw new Error(`no CRD fixture for ${key}`)
  const crd = loadFixtureYaml(file) as { spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } }
  const served = crd.spec.versions.find((candidate) => candidate.name === version)
  const spec = served?.schema.openAPIV3Schema.properties?.spec
  if (spec === undefined) throw new Error(`${file} serves no ${version} spec schema`)
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, useDefaults: true })
  ajv.addVocabulary(KUBERNETES_KEYWORDS)
  const validate = ajv.compile(closeUnknownFields(structuredClone(spec)))
  const validator: SpecValidator = (candidate) => (validate(candidate) ? [] : (validate.errors ?? []))
  validators.set(key, validator)
  return validator
}

interface Schema {
  type?: string
  properties?: Record<string, Schema>
  additionalProperties?: unknown
  items?: Schema
  'x-kubernetes-preserve-unknown-fields'?: boolean
  [keyword: string]: unknown
}

// A structural schema prunes fields it does not declare; `kubectl apply --validate=strict` rejects them.
// Closing every declared object gives the strict behaviour, so a misspelt field fails the test.
function closeUnknownFields(schema: Schema): Schema {
  if (schema.properties !== undefined) {
    for (const child of Object.values(schema.properties)) closeUnknownFields(child)
    const open = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties !== undefined
    if (!open) schema.additionalProperties = false
  }
  if (schema.items !== undefined) closeUnknownFields(schema.items)
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
    closeUnknownFields(schema.additionalProperties as Schema)
  }
  return schema
}

/** Errors as short lines for an assertion message. */
export function describeErrors(errors: ErrorObject[]): string[] {
  return errors.map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`)
}

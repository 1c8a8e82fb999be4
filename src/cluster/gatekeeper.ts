// Gatekeeper equivalents of what Gatekeeper can check by itself: the registry allowlist, tags, and the advisory pod
// annotation. Signatures need an external-data provider (policies/README.md); nothing here claims to check them.
import { registryPrefix, type PolicyOptions } from './policy-options.js'
import { gatekeeperSuiteFiles } from './gatekeeper-suites.js'
import { modes } from './kyverno-modes.js'
import { yamlFile, type PolicyFile } from './policy-file.js'

// Rego v1 syntax (`if`, `contains`), which Gatekeeper v3.23 compiles for `code[].source.version: v1`.
const IMAGES = `images contains image if {
  some container in input.review.object.spec.containers
  image := container.image
}

images contains image if {
  some container in input.review.object.spec.initContainers
  image := container.image
}

images contains image if {
  some container in input.review.object.spec.ephemeralContainers
  image := container.image
}
`

const TEMPLATES: Record<string, { kind: string; parameters?: unknown; rego: string }> = {
  'vouch-allowed-registries': {
    kind: 'VouchAllowedRegistries',
    parameters: { type: 'object', properties: { prefixes: { type: 'array', items: { type: 'string' } } } },
    rego: `package vouchallowedregistries

${IMAGES}
violation contains {"msg": msg} if {
  some image in images
  not allowed(image)
  msg := sprintf("image %v comes from none of the allowed registries %v", [image, input.parameters.prefixes])
}

allowed(image) if {
  some prefix in input.parameters.prefixes
  startswith(image, prefix)
}
`,
  },
  'vouch-image-tags': {
    kind: 'VouchImageTags',
    rego: `package vouchimagetags

${IMAGES}
violation contains {"msg": msg} if {
  some image in images
  not pinned_or_tagged(image)
  msg := sprintf("image %v names no tag or digest", [image])
}

violation contains {"msg": msg} if {
  some image in images
  regex.match(\`:latest(@sha256:[a-f0-9]{64})?$\`, image)
  msg := sprintf("image %v uses the tag latest", [image])
}

pinned_or_tagged(image) if regex.match(\`@sha256:[a-f0-9]{64}$\`, image)

pinned_or_tagged(image) if regex.match(\`:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$\`, image)
`,
  },
  'vouch-scan-annotation': {
    kind: 'VouchScanAnnotation',
    parameters: { type: 'object', properties: { key: { type: 'string' } } },
    rego: `package vouchscanannotation

violation contains {"msg": msg} if {
  object.get(input.review.object.metadata, ["annotations", input.parameters.key], "") != "passed"
  msg := sprintf("the pod lacks %v: passed (advisory: any pod author can write it)", [input.parameters.key])
}
`,
  },
}

function template(name: string): unknown {
  const { kind, parameters, rego } = TEMPLATES[name]!
  return {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: kind.toLowerCase() },
    spec: {
      crd: {
        spec: { names: { kind }, ...(parameters !== undefined && { validation: { openAPIV3Schema: parameters } }) },
      },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', code: [{ engine: 'Rego', source: { version: 'v1', rego } }] }],
    },
  }
}

interface Constraint {
  metadata: { name: string }
}

function constraints(name: string, parameters: unknown, advisory: boolean, options: PolicyOptions): Constraint[] {
  const kind = TEMPLATES[name]!.kind
  return modes(options).map((mode) => ({
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind,
    metadata: { name: `${name}-${mode.name}` },
    spec: {
      // Gatekeeper's words for Kyverno's Enforce and Audit; the advisory rule only ever warns.
      enforcementAction: advisory ? 'warn' : mode.action === 'Enforce' ? 'deny' : 'dryrun',
      match: {
        kinds: [{ apiGroups: [''], kinds: ['Pod'] }],
        namespaces: mode.namespaces,
        excludedNamespaces: options.excludedNamespaces,
      },
      ...(parameters !== undefined && { parameters }),
    },
  }))
}

export function gatekeeperFiles(options: PolicyOptions): PolicyFile[] {
  const parameters: Record<string, unknown> = {
    'vouch-allowed-registries': { prefixes: options.registries.map(registryPrefix) },
    'vouch-image-tags': undefined,
    'vouch-scan-annotation': { key: options.annotationKey },
  }
  return [
    ...Object.keys(TEMPLATES).flatMap((name) => [
      yamlFile(`gatekeeper/templates/${name}.yaml`, [template(name)]),
      ...constraints(name, parameters[name], name === 'vouch-scan-annotation', options).map((constraint) =>
        yamlFile(`gatekeeper/constraints/${constraint.metadata.name}.yaml`, [constraint]),
      ),
    ]),
    ...gatekeeperSuiteFiles(options),
  ]
}

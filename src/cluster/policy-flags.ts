// `npm run policies -- …` flags into PolicyOptions. Pure: the key file is read by the caller-supplied function, and
// every bad value is an InputError naming its flag.
import { parseArgs } from 'node:util'
import { GITHUB_OIDC_ISSUER } from '../cosign/keys.js'
import { InputError } from '../errors.js'
import { SEVERITIES, type Severity } from '../report/model.js'
import { checkPolicyOptions, DEFAULT_POLICY_OPTIONS, type PolicyOptions } from './policy-options.js'

const BUDGET_FLAGS = Object.fromEntries(
  SEVERITIES.map((severity) => [`max-${severity.toLowerCase()}`, { type: 'string' as const }]),
)

export const POLICY_FLAGS = {
  'public-key': { type: 'string' },
  identity: { type: 'string' },
  'no-tlog': { type: 'boolean' },
  registries: { type: 'string' },
  namespaces: { type: 'string' },
  'audit-namespaces': { type: 'string' },
  'exclude-namespaces': { type: 'string' },
  'annotation-key': { type: 'string' },
  out: { type: 'string' },
  ...BUDGET_FLAGS,
} as const

/** `npm run policies -- --help`: every flag, with the default it renders when left out. */
export function policyUsage(): string {
  const d = DEFAULT_POLICY_OPTIONS
  const budgets = SEVERITIES.map(
    (severity) =>
      `  --max-${severity.toLowerCase()} N|unlimited`.padEnd(36) + `default ${d.budgets[severity] ?? 'unlimited'}`,
  )
  return [
    'Usage: npm run policies -- [flags]   renders the Kyverno and Gatekeeper policies (defaults: what policies/ holds)',
    '',
    '  --public-key FILE                 key-based attestor with this cosign public key (instead of keyless)',
    '  --identity OWNER/REPO/.github/workflows/FILE@REF',
    '                                    keyless attestor: the exact workflow identity that signs',
    '  --no-tlog                         the images were signed with tlog-upload: false (ignore the Rekor log)',
    `  --registries A/*,B/*              allowed registries (default ${d.registries.join(',')})`,
    `  --namespaces P-*,…                enforced namespaces (default ${d.enforceNamespaces.join(',')})`,
    `  --audit-namespaces S-*,…          audited namespaces (default ${d.auditNamespaces.join(',')})`,
    `  --exclude-namespaces A,B          namespaces never checked (default ${d.excludedNamespaces.join(',')})`,
    `  --annotation-key KEY              the gate annotation key (default ${d.annotationKey})`,
    ...budgets,
    '  --out DIR                         where to write (default policies)',
  ].join('\n')
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** `0` demands that budget; `unlimited` or `-` drops the demand for that severity. */
function budget(flag: string, value: string): number | undefined {
  if (value === 'unlimited' || value === '-') return undefined
  if (!/^\d+$/.test(value)) throw new InputError(flag, value, 'must be a whole number ≥ 0, or `unlimited`')
  return Number(value)
}

export interface ParsedFlags {
  options: PolicyOptions
  out: string
}

export function parsePolicyFlags(argv: string[], readKey: (file: string) => string): ParsedFlags {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: argv, options: POLICY_FLAGS, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new InputError('flags', argv.join(' '), `are not all known (${(error as Error).message})`)
  }
  const text = (name: string): string | undefined => values[name] as string | undefined
  const publicKey = text('public-key')
  const identity = text('identity')
  if (publicKey !== undefined && identity !== undefined) {
    throw new InputError('--identity', identity, 'cannot be given with --public-key: choose keyless or key-based')
  }
  const budgets: Partial<Record<Severity, number>> = { ...DEFAULT_POLICY_OPTIONS.budgets }
  for (const severity of SEVERITIES) {
    const value = text(`max-${severity.toLowerCase()}`)
    if (value === undefined) continue
    const demanded = budget(`--max-${severity.toLowerCase()}`, value)
    if (demanded === undefined) delete budgets[severity]
    else budgets[severity] = demanded
  }
  const listOr = (name: string, fallback: string[]): string[] => {
    const value = text(name)
    return value === undefined ? fallback : list(value)
  }
  const options: PolicyOptions = {
    annotationKey: text('annotation-key') ?? DEFAULT_POLICY_OPTIONS.annotationKey,
    signer:
      publicKey !== undefined
        ? { kind: 'key', publicKey: readKey(publicKey) }
        : identity !== undefined
          ? { kind: 'keyless', identity, issuer: GITHUB_OIDC_ISSUER }
          : DEFAULT_POLICY_OPTIONS.signer,
    ignoreTlog: values['no-tlog'] === true,
    registries: listOr('registries', DEFAULT_POLICY_OPTIONS.registries),
    enforceNamespaces: listOr('namespaces', DEFAULT_POLICY_OPTIONS.enforceNamespaces),
    auditNamespaces: listOr('audit-namespaces', DEFAULT_POLICY_OPTIONS.auditNamespaces),
    excludedNamespaces: listOr('exclude-namespaces', DEFAULT_POLICY_OPTIONS.excludedNamespaces),
    budgets,
  }
  return { options: checkPolicyOptions(options), out: text('out') ?? 'policies' }
}

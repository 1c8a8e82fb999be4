// The gate facts a cluster demands, in each form Kyverno checks them: signature annotations (exact values), attestation
// conditions on the signed predicate (JMESPath, ClusterPolicy), and CEL on the extracted predicate (ImageValidatingPolicy).
import { SEVERITIES, type Severity } from '../report/model.js'
import { budgetAnnotationKey, budgetAnnotationValue } from './annotations.js'
import type { PolicyOptions } from './policy-options.js'

type Demanded = [Severity, number][]

function demanded(budgets: PolicyOptions['budgets']): Demanded {
  return SEVERITIES.flatMap((severity): Demanded => {
    const budget = budgets[severity]
    return budget === undefined ? [] : [[severity, budget]]
  })
}

/**
 * The signed annotations an attestor requires. Kyverno compares them with the signed payload's `optional` map for
 * exact equality (pkg/image/verifiers/cpol/cosign/cosign.go `checkAnnotations`, v1.19.0), so a budget can only be
 * demanded as one value: the one vouch signs. The scanner is not pinned: on 1.13–1.17 every signature must match
 * (pkg/cosign/cosign.go `checkAnnotations`, v1.16.3), so a pin would lock out an image re-signed after a Trivy bump.
 */
export function requiredAnnotations(options: PolicyOptions): Record<string, string> {
  const annotations: Record<string, string> = { [options.annotationKey]: 'passed' }
  for (const [severity, budget] of demanded(options.budgets)) {
    annotations[budgetAnnotationKey(options.annotationKey, severity)] = budgetAnnotationValue(budget)
  }
  return annotations
}

const FACTS = 'invocation.parameters.vouch'

export interface JmesCondition {
  key: string
  operator: 'Equals'
  value: string | boolean
  message: string
}

/**
 * ClusterPolicy attestation conditions: Kyverno evaluates them with the predicate at the JMESPath root and requires
 * every statement of the type to pass (pkg/engine/internal/imageverifier.go, v1.19.0). A budget of `null` (no limit)
 * fails the `type(...) == 'number'` half, so an unlimited budget never passes a demanded one.
 */
export function attestationConditions(options: PolicyOptions): JmesCondition[] {
  const conditions: JmesCondition[] = [
    {
      key: `{{ ${FACTS}.scanStatus || 'missing' }}`,
      operator: 'Equals',
      value: 'passed',
      message: 'The signed vuln attestation does not record a passed vouch scan.',
    },
  ]
  for (const [severity, budget] of demanded(options.budgets)) {
    const field = `${FACTS}.budgets.${severity.toLowerCase()}`
    conditions.push({
      key: `{{ type(${field}) == 'number' && ${field} <= \`${budget}\` }}`,
      operator: 'Equals',
      value: true,
      message: `The signed scan's ${severity} budget is laxer than ${budget}.`,
    })
  }
  return conditions
}

/** The same facts as one CEL test on `facts` (the predicate's `invocation.parameters.vouch`). */
export function gateFactsExpression(options: PolicyOptions): string {
  const tests = ["facts.scanStatus == 'passed'"]
  for (const [severity, budget] of demanded(options.budgets)) {
    const field = `facts.budgets.${severity.toLowerCase()}`
    // JSON numbers arrive as CEL doubles; a null or missing budget fails closed.
    tests.push(`(has(${field}) && type(${field}) == double && ${field} <= ${budget}.0)`)
  }
  return tests.join(' && ')
}

export function budgetSummary(options: PolicyOptions): string {
  const parts = demanded(options.budgets).map(([severity, budget]) => `${severity} ≤ ${budget}`)
  return parts.length === 0 ? 'no budget' : parts.join(', ')
}

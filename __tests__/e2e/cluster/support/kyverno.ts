// Runs the real Kyverno CLI over pods and turns its policy report into an admission decision per pod.
// `kyverno apply --policy-report --output-format json` prints one openreports.io ClusterReport on stdout and exits 1
// when any rule failed (cmd/cli/kubectl-kyverno/commands/apply/command.go `exit`, v1.19.0), so the exit code alone
// cannot say which pod failed: the report can.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { stringify } from 'yaml'
import { runTool } from '../../support/real-tools.js'

export interface ReportResult {
  policy: string
  rule: string
  result: 'pass' | 'fail' | 'warn' | 'error' | 'skip'
  message?: string
  resources: { name: string; namespace?: string }[]
}

export interface Decision {
  /** No failed or errored result from an enforcing rule: the API server would admit the pod. */
  admitted: boolean
  /** Some rule failed in Audit: admitted, and the failure lands in a policy report. */
  reported: boolean
  messages: string[]
}

// The rendered policies name their mode: `…-enforce` rules and ImageValidatingPolicies deny, `…-audit` ones report.
const enforcing = (result: ReportResult): boolean =>
  result.rule.endsWith('-enforce') || result.policy.endsWith('-enforce')

export function decisions(results: ReportResult[]): Map<string, Decision> {
  const byPod = new Map<string, Decision>()
  for (const result of results) {
    for (const resource of result.resources) {
      const decision = byPod.get(resource.name) ?? { admitted: true, reported: false, messages: [] }
      if (result.result === 'fail' || result.result === 'error') {
        if (enforcing(result)) decision.admitted = false
        else decision.reported = true
        decision.messages.push(`${result.rule}: ${result.message ?? ''}`)
      }
      byPod.set(resource.name, decision)
    }
  }
  return byPod
}

/** `kyverno apply` with `--registry` (image verification reads the loopback registry) over the given pods. */
export async function applyPolicies(kyverno: string, policyText: string, pods: unknown[]): Promise<ReportResult[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'vouch-kyverno-'))
  try {
    const policyFile = path.join(directory, 'policy.yaml')
    const podsFile = path.join(directory, 'pods.yaml')
    await writeFile(policyFile, policyText)
    await writeFile(podsFile, pods.map((pod) => stringify(pod)).join('---\n'))
    const args = [
      'apply',
      policyFile,
      '--resource',
      podsFile,
      '--registry',
      '--policy-report',
      '--output-format',
      'json',
    ]
    // HOME and DOCKER_CONFIG are this folder, as in support/kyverno.ts: no credentials of the machine are read.
    const output = await runTool(kyverno, args, { HOME: directory, DOCKER_CONFIG: directory })
    // Exit 1 is "some rule failed"; anything else, or no report, is the CLI failing.
    if (output.exitCode !== 0 && (output.exitCode !== 1 || !output.stdout.includes('"results"'))) {
      throw new Error(`kyverno apply failed (exit ${output.exitCode}): ${output.stderr}`)
    }
    const json = output.stdout.slice(output.stdout.indexOf('{'), output.stdout.lastIndexOf('}') + 1)
    const report = JSON.parse(json) as { results?: ReportResult[] }
    return report.results ?? []
  } finally {
    // The two input files and the CLI's HOME: removed whatever the CLI answered.
    await rm(directory, { recursive: true, force: true })
  }
}

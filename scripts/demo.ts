// `npm run demo`: vouch's whole story on one machine, offline, with the real tools. A loopback registry holds a
// fixed and a vulnerable image; vouch (dist/index.js, run as the runner runs it) scans both and signs only the one
// that passed; the real Kyverno CLI, with the shipped ClusterPolicy rendered for the demo's key and registry, admits a
// pod of the signed image and denies the other. It exits non-zero when any step does not behave so, and removes
// everything it started on every path (Ctrl-C included).
import { readFileSync } from 'node:fs'
import { renderPolicies } from '../src/cluster/policies.js'
import { parsePolicyFlags } from '../src/cluster/policy-flags.js'
import { applyPolicies, decisions } from '../__tests__/e2e/cluster/support/kyverno.js'
import setupRealTools from '../__tests__/e2e/support/global-setup.js'
import { PASSING, pushAlpine, VULNERABLE } from '../__tests__/e2e/support/images.js'
import { pod } from '../__tests__/e2e/support/kyverno.js'
import { realTool, REAL_TOOLS } from '../__tests__/e2e/support/real-tools.js'
import { runVouch, startE2eWorld, type E2eWorld } from '../__tests__/e2e/support/world.js'
import { cleanupOnExit } from './demo/cleanup.js'
import { expectStory, heading, Mismatch, showRun } from './demo/show.js'

const POLICY_FILE = 'kyverno/verify-vouch-signature.yaml'

async function scan(world: E2eWorld, image: string, expected: 'passed' | 'failed'): Promise<string> {
  heading(`vouch scans ${image}`)
  // Only the loopback DB: the e2e world's unreachable first location is for the tier's fallback test.
  const run = await runVouch(world, { image, 'db-repository': `${world.registry.host}/trivy-db:2` })
  showRun(run)
  const signed = expected === 'passed' ? 'true' : 'false'
  const got = `exit code ${run.exitCode}, scan-status ${run.outputs['scan-status']}, signed ${run.outputs.signed}`
  expectStory(
    expected === 'passed' ? `vouch passed ${image} and signed it` : `vouch failed ${image} and did not sign it`,
    run.exitCode === (expected === 'passed' ? 0 : 1) &&
      run.outputs['scan-status'] === expected &&
      run.outputs.signed === signed,
    got,
  )
  const digestRef = run.outputs.image
  if (digestRef === undefined || !digestRef.includes('@sha256:')) throw new Mismatch(`no image output: ${got}`)
  return digestRef
}

async function main(): Promise<void> {
  const cleanup = cleanupOnExit()
  const started = Date.now()
  try {
    heading('The real tools (scripts/real-tools.sh builds them once from their Go modules, then reuses them)')
    // The demo needs Trivy, cosign and the Kyverno CLI; gator is only for the real-tool tier's Gatekeeper tests.
    process.env.VOUCH_E2E_TOOLS ??= 'trivy cosign kyverno'
    const removeDb = setupRealTools()
    cleanup.add(async () => removeDb())

    heading('A loopback registry (docker-registry), the test Trivy DB in it, and a cosign key pair')
    const starting = startE2eWorld()
    cleanup.add(async () => (await starting.catch(() => undefined))?.close())
    const world = await starting
    const host = world.registry.host
    await pushAlpine(host, 'demo/shop', '1.0', PASSING)
    await pushAlpine(host, 'demo/legacy', '1.0', VULNERABLE)
    console.log(`registry    http://${host}/ (trivy-db:2, demo/shop:1.0 fixed, demo/legacy:1.0 vulnerable)`)
    console.log(`signing key ${world.key.publicKey} (its private half goes to vouch as cosign-key)`)

    const shop = await scan(world, `${host}/demo/shop:1.0`, 'passed')
    const legacy = await scan(world, `${host}/demo/legacy:1.0`, 'failed')

    heading('Admission: the Kyverno CLI with the shipped ClusterPolicy')
    const flags = ['--public-key', world.key.publicKey, '--no-tlog', '--registries', `${host}/*`]
    console.log(`rendered as \`npm run policies -- ${flags.join(' ')}\` would: ${POLICY_FILE}`)
    const { options } = parsePolicyFlags(flags, (file) => readFileSync(file, 'utf8'))
    const policy = renderPolicies(options).find((file) => file.path === POLICY_FILE)
    if (policy === undefined) throw new Error(`renderPolicies gave no ${POLICY_FILE}`)
    const pods = { shop: pod('shop', shop), legacy: pod('legacy', legacy) }
    const results = await applyPolicies(realTool('kyverno', REAL_TOOLS.kyverno), policy.text, Object.values(pods))
    const byPod = decisions(results)
    for (const [name, image] of [
      ['shop', shop],
      ['legacy', legacy],
    ] as const) {
      const decision = byPod.get(name)
      const verdict = decision === undefined ? 'not evaluated' : decision.admitted ? 'admitted' : 'denied'
      console.log(`\npod ${name} (namespace production-app, image ${image}): ${verdict}`)
      for (const message of decision?.messages ?? []) console.log(`  kyverno: ${message}`)
      const passes = results.filter(
        (result) => result.result === 'pass' && result.resources.some((r) => r.name === name),
      )
      for (const result of passes)
        console.log(`  kyverno: ${result.rule}: pass${result.message ? ` (${result.message})` : ''}`)
      const want = name === 'shop' ? 'admitted' : 'denied'
      expectStory(
        `Kyverno ${want} the pod of ${name === 'shop' ? 'the signed' : 'the unsigned'} image`,
        verdict === want,
        verdict,
      )
    }
    heading(
      `The story held: passed and signed → admitted; failed and unsigned → denied (${Math.round((Date.now() - started) / 1000)} s)`,
    )
  } catch (error) {
    console.error(`\ndemo FAILED: ${error instanceof Error ? error.message : String(error)}`)
    if (!(error instanceof Mismatch) && error instanceof Error && error.stack) console.error(error.stack)
    process.exitCode = 1
  } finally {
    await cleanup.run()
  }
}

await main()

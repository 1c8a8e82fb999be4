// The action's entry: read the inputs, run the flow, and fail the step once, here and nowhere else.
import * as core from '@actions/core'
import { readInputs, type Inputs } from './inputs.js'
import { failOnInputs, run, type Outcome } from './main.js'
import { causeText } from './errors.js'
import { logSafe } from './log-safe.js'

async function main(): Promise<Outcome> {
  const read = (name: string): string => core.getInput(name)
  let inputs: Inputs
  try {
    inputs = readInputs(read)
  } catch (error) {
    // An input error takes the same publish path as any later failure: every output, the summary, one failure.
    return failOnInputs(error, read)
  } finally {
    // Read once; from here on no child process (tar, the cache service's helpers) can inherit them.
    for (const name of ['cosign-key', 'cosign-password', 'registry-password']) {
      delete process.env[`INPUT_${name.toUpperCase()}`]
    }
  }
  return run(inputs)
}

try {
  const outcome = await main()
  if (outcome.failMessage !== undefined) core.setFailed(outcome.failMessage)
} catch (error) {
  // Only a defect in vouch itself reaches here (run and failOnInputs publish every failure they meet): it still
  // fails the step, and nothing lets it pass.
  core.setOutput('scan-status', 'error')
  core.setFailed(error instanceof Error ? error : String(error))
  const cause = causeText(error)
  if (cause !== undefined) core.info(logSafe(`underneath: ${cause}`))
}

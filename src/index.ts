// The action's entry: read the inputs, run the flow, and fail the step once, here and nowhere else.
import * as core from '@actions/core'
import { readInputs } from './inputs.js'
import { run } from './main.js'

async function main(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name))
    // Read once; from here on no child process (tar, the cache service's helpers) can inherit them.
    for (const name of ['cosign-key', 'cosign-password', 'registry-password']) {
      delete process.env[`INPUT_${name.toUpperCase()}`]
    }
    const outcome = await run(inputs)
    if (outcome.failMessage !== undefined) core.setFailed(outcome.failMessage)
  } catch (error) {
    // Anything thrown (an input error, a bug) fails the step; nothing lets it pass, and a later step that reads
    // scan-status sees error rather than nothing.
    core.setOutput('scan-status', 'error')
    core.setFailed(error instanceof Error ? error : String(error))
    if (error instanceof Error && error.cause !== undefined) core.debug(`cause: ${String(error.cause)}`)
  }
}

await main()

// The action's entry: read the inputs, run the flow, and fail the step once, here and nowhere else.
import * as core from '@actions/core'
import { readInputs } from './inputs.js'
import { run } from './main.js'
import { renderSummary } from './render/summary.js'
import { errorMessage } from './errors.js'
import { isAnnotationKey } from './input-values.js'

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
    core.setOutput('signed', 'false')
    core.setOutput('attested', 'false')
    await writeErrorSummary(errorMessage(error))
    core.setFailed(error instanceof Error ? error : String(error))
    if (error instanceof Error && error.cause !== undefined) core.debug(`cause: ${String(error.cause)}`)
  }
}

/** The summary of a run that never got going (a bad input): the verdict and its cause, nothing else. */
async function writeErrorSummary(cause: string): Promise<void> {
  try {
    const markdown = renderSummary({
      verdict: { status: 'error', cause },
      image: '',
      platforms: [],
      now: new Date(),
      enforce: true,
      // The key as given when it is one; the contract's default otherwise (the bad value may be this very input).
      annotationKey: isAnnotationKey(core.getInput('annotation-key'))
        ? core.getInput('annotation-key')
        : 'security.example.com/scan-status',
      reportPaths: {},
    })
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.warning(`The job summary could not be written: ${errorMessage(error)}`)
  }
}

await main()

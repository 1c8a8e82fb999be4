// Reads the ignore file before anything touches the network: a missing or broken file is an input error.
import { readFile } from 'node:fs/promises'
import * as core from '@actions/core'
import { InputError } from '../errors.js'
import type { Inputs } from '../inputs.js'
import { checkExceptions, parseIgnoreFile } from '../report/exceptions.js'
import type { Exception } from '../report/verdict.js'

export async function loadExceptions(inputs: Inputs): Promise<Exception[]> {
  if (inputs.ignoreFile === undefined) return []
  let text: string
  try {
    text = await readFile(inputs.ignoreFile, 'utf8')
  } catch (error) {
    throw new InputError(
      'ignore-file',
      inputs.ignoreFile,
      `must name a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    )
  }
  const { exceptions, warnings } = parseIgnoreFile(text, inputs.ignoreFile)
  for (const warning of [...warnings, ...checkExceptions(exceptions, { strict: inputs.strictExceptions })]) {
    core.warning(warning)
  }
  return exceptions
}

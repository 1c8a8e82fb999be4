// The job summary's account of an error: what went wrong, as the tool said it, and what the user can do about it.
import { codeBlock, proseWithCode, wrapLines } from './markdown.js'

/** Characters per line of the cause: what fits a summary's code block on a laptop screen without scrolling. */
const CAUSE_WIDTH = 100
const MAX_CAUSE = 4000
/**
 * For an error vouch did not foresee (its classes carry their own remedies). No guess from the message's words: a
 * registry's "timed out" is not a reason to raise the scan's `timeout`.
 */
const UNFORESEEN =
  'vouch did not expect this error. Re-run the job with debug logging enabled; if it happens again, report it with the log.'

export function errorSection(cause: string, remedy: string | undefined): string {
  const given = remedy !== undefined && remedy.trim() !== '' ? remedy.trim() : undefined
  // An error's message often ends with its remedy; it is said once, below, in words rather than in the code block.
  const told = given !== undefined && cause.trimEnd().endsWith(given) ? cause.trimEnd().slice(0, -given.length) : cause
  const clipped = told.length > MAX_CAUSE ? `${told.slice(0, MAX_CAUSE)}…` : told
  // The cause may hold a tool's stderr: a code block shows it as it is, and nothing in it is interpreted.
  const shown = wrapLines(
    clipped
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- control characters are what this removes
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
      .trim(),
    CAUSE_WIDTH,
  )
  const todo = proseWithCode(given ?? UNFORESEEN, 2000)
  return ['### What went wrong', codeBlock(shown, 'text'), `**What to do**: ${todo}`].join('\n\n')
}

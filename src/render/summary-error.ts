// The job summary's account of an error: what went wrong, as the tool said it, and what the user can do about it.
import { codeBlock, proseWithCode, wrapLines } from './markdown.js'

const RATE_LIMIT = /rate[ -]?limit|toomanyrequests|too many requests|\b429\b/i
const TIMEOUT = /time[ -]?out|timed out|deadline exceeded/i
/** Characters per line of the cause: what fits a summary's code block on a laptop screen without scrolling. */
const CAUSE_WIDTH = 100
const MAX_CAUSE = 4000

/** Advice for when the error carries no remedy of its own, from what the cause says. */
function advice(cause: string): string {
  if (RATE_LIMIT.test(cause)) {
    return 'A registry is rate-limiting this runner. List DB mirrors in <code>db-repository</code> (tried in order) and keep <code>cache: true</code>, so that the DB is downloaded once and reused by later runs.'
  }
  if (TIMEOUT.test(cause)) {
    return 'The scan ran out of time. Raise <code>timeout</code> (default <code>10m</code>), e.g. <code>timeout: 20m</code>; with <code>cache: true</code> later runs skip the DB download.'
  }
  return 'Re-run the job; if it fails again, re-run with debug logging enabled and read the Trivy output in the log.'
}

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
  const todo = given === undefined ? advice(cause) : proseWithCode(given, 2000)
  return ['### What went wrong', codeBlock(shown, 'text'), `**What to do**: ${todo}`].join('\n\n')
}

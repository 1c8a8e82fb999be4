// How the demo prints: the step's log as a terminal shows it (src/terminal.ts renders the workflow commands the
// runner would), the job summary's Markdown as plain text, and a checklist of what the story expects.
import type { ActionRun } from '../../__tests__/harness/run-action.js'
import { commandLineFilter, decodeEntities } from '../../src/terminal.js'

const indent = (text: string, prefix = '  │ '): string =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`.trimEnd())
    .join('\n')

export function heading(text: string): void {
  console.log(`\n━━ ${text} ${'━'.repeat(Math.max(3, 100 - text.length))}`)
}

/** The summary's inline HTML (`<code>`, `<br>`) as Markdown a terminal reader takes in, entities decoded. */
export function summaryAsText(markdown: string): string {
  return decodeEntities(
    markdown
      .replace(/<\/?code>/g, '`')
      .replace(/<br\s*\/?>/g, ' ')
      .replace(/<\/?(details|summary)>/g, ''),
  )
}

/** The step's log (stdout and stderr, workflow commands rendered) and then its job summary. */
export function showRun(run: ActionRun): void {
  const filter = commandLineFilter(false)
  const log = filter.push(run.stdout) + filter.flush() + run.stderr
  console.log(`\nstep log (exit code ${run.exitCode}):`)
  console.log(indent(log.replace(/^\n+/, '')))
  console.log('\njob summary ($GITHUB_STEP_SUMMARY):')
  console.log(indent(summaryAsText(run.summary)))
}

/** A failed check throws Mismatch: the demo is itself a check of the story it tells. */
export class Mismatch extends Error {}

export function expectStory(what: string, holds: boolean, detail: string): void {
  console.log(`${holds ? '✔' : '✘'} ${what}${holds ? '' : ` — but ${detail}`}`)
  if (!holds) throw new Mismatch(`${what}: ${detail}`)
}

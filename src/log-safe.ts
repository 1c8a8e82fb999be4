// Text from a registry, a report or a tool's output, made fit for the step log. The runner reads any log line that
// starts with `::name::` (or the older `##[name]`) as a workflow command, so a line break inside such text would let
// it forge an error annotation, mask or unmask values, or stop command processing. Pure: text in, text out.

// Line breaks (U+2028/2029 too), every other control character, and the bidirectional and zero-width controls that
// make text read differently from what it is.
// eslint-disable-next-line no-control-regex -- control characters are what this escapes
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g
// What the runner takes for a command once leading whitespace is trimmed.
const COMMAND_START = /^(\s*)(::|##\[)/

/**
 * One line that the runner prints and never runs: each control character as a `\n`, `\r`, `\t`-style or `\u…` escape,
 * and a leading `::` or `##[` escaped as `\u003a:` or `\u0023#[`. Tabs stay, as tools use them between fields.
 */
export function logSafe(text: string): string {
  return text
    .replace(UNSAFE, (character) => ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(
      COMMAND_START,
      (_, space: string, start: string) => `${space}\\u00${start === '::' ? '3a' : '23'}${start.slice(1)}`,
    )
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r' }

// Lays a long shell command out one flag per line, with `\` continuations, so a reviewer can read the command that
// verifies the signature without scrolling a code block sideways. What the shell runs stays the same.

/** Words of a POSIX shell command line as written (quotes kept); undefined when a quote is left open. */
export function shellWords(command: string): string[] | undefined {
  const words: string[] = []
  let word = ''
  let quote: "'" | '"' | undefined
  for (let index = 0; index < command.length; index++) {
    const character = command.charAt(index)
    if (quote !== undefined) {
      word += character
      if (character === quote) quote = undefined
      else if (quote === '"' && character === '\\') word += command.charAt(++index)
    } else if (character === ' ') {
      if (word !== '') words.push(word)
      word = ''
    } else {
      word += character
      if (character === "'" || character === '"') quote = character
      else if (character === '\\') word += command.charAt(++index)
    }
  }
  if (quote !== undefined) return undefined
  if (word !== '') words.push(word)
  return words
}

/**
 * `cosign verify --key k -a x=y IMAGE` as `cosign verify \` / `  --key k \` / `  -a x=y \` / `  IMAGE`: the first two
 * words, then each flag with the value that follows it, then the last word (the image) on a line of its own.
 * A command that is short, or that cannot be split safely, comes back as it was.
 */
export function commandLines(command: string, width = 100): string {
  if (command.length <= width || /[\n\r;&|<>`$(){}]/.test(command.replace(/'[^']*'/g, "''"))) return command
  const words = shellWords(command)
  if (words === undefined || words.length < 4) return command
  const last = words.at(-1) as string
  const lines = [words.slice(0, 2).join(' ')]
  for (const word of words.slice(2, -1)) {
    const current = lines.at(-1) as string
    const takesValue = lines.length > 1 && current.startsWith('-') && !current.includes(' ') && !current.includes('=')
    if (!word.startsWith('-') && takesValue) lines[lines.length - 1] = `${current} ${word}`
    else lines.push(word)
  }
  lines.push(last)
  return lines.join(' \\\n  ')
}

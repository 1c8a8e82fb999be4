// Generates the README's inputs and outputs tables from action.yml, between the <!-- inputs --> markers.
// `node scripts/readme-tables.mjs` rewrites README.md; a test fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function tables(actionYml) {
  const spec = parse(actionYml)
  const inputs = Object.entries(spec.inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? '(required)' : input.default === '' || input.default === undefined ? "`''`" : `\`${cell(input.default)}\``} | ${cell(input.description)} |`,
  )
  const outputs = Object.entries(spec.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`)
  return {
    inputs: ['| input | default | description |', '|---|---|---|', ...inputs].join('\n'),
    outputs: ['| output | description |', '|---|---|', ...outputs].join('\n'),
  }
}

export function withTables(readme, actionYml) {
  const generated = tables(actionYml)
  let text = readme
  for (const name of ['inputs', 'outputs']) {
    const pattern = new RegExp(`(<!-- ${name} -->\\n)[\\s\\S]*?(<!-- /${name} -->)`)
    if (!pattern.test(text)) throw new Error(`README.md lacks the <!-- ${name} --> markers`)
    text = text.replace(pattern, `$1${generated[name]}\n$2`)
  }
  return text
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('..', import.meta.url)
  const readme = readFileSync(new URL('README.md', root), 'utf8')
  writeFileSync(new URL('README.md', root), withTables(readme, readFileSync(new URL('action.yml', root), 'utf8')))
}

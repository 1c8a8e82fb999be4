// `npm run policies -- --public-key cosign.pub --registries … --namespaces …`: renders policies/ for a team. Without
// flags it renders the defaults, which is what the repository commits.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { InputError } from '../errors.js'
import { renderPolicies } from './policies.js'
import { parsePolicyFlags, policyUsage } from './policy-flags.js'

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new InputError('--public-key', file, `must name a readable file (${(error as NodeJS.ErrnoException).code})`)
  }
}

const argv = process.argv.slice(2)
try {
  if (argv.includes('--help') || argv.includes('-h')) process.stdout.write(`${policyUsage()}\n`)
  else render(argv)
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}

function render(args: string[]): void {
  const { options, out } = parsePolicyFlags(args, readKey)
  const files = renderPolicies(options)
  for (const file of files) {
    const target = path.join(out, file.path)
    mkdirSync(path.dirname(target), { recursive: true })
    writeFileSync(target, file.text)
  }
  process.stdout.write(`Rendered ${files.length} files into ${out}/\n`)
}

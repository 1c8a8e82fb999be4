// Transpiles the measured code (all of src/ and a measurement script of bench/) to JavaScript in a work directory,
// so each measurement runs on plain Node as the bundled action does: a TypeScript loader in the measured process
// would add its own tens of megabytes to the peak RSS and its own time to every import.
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

/** Writes the JavaScript under `out` (same layout as the repository) and returns the measurement script's path. */
export function compileMeasurement(root: string, out: string, script: string): string {
  for (const source of [...tsFiles(root, 'src'), script]) {
    const { outputText } = ts.transpileModule(readFileSync(path.join(root, source), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: source,
    })
    const target = path.join(out, source.replace(/\.ts$/, '.js'))
    mkdirSync(path.dirname(target), { recursive: true })
    writeFileSync(target, outputText)
  }
  // Packages (yaml) resolve from the repository's node_modules; `type: module` makes the .js files ES modules.
  symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'), 'dir')
  writeFileSync(path.join(out, 'package.json'), JSON.stringify({ type: 'module' }))
  return path.join(out, script.replace(/\.ts$/, '.js'))
}

function tsFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = `${dir}/${name}`
    if (statSync(path.join(root, relative)).isDirectory()) return tsFiles(root, relative)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [relative] : []
  })
}

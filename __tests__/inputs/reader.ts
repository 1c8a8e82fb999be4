// Inputs as a runner would hand them over: action.yml's defaults (runner.temp expanded), overridden per test.
import { readActionYaml } from '../harness/run-action.js'

/** The defaults action.yml declares, by input name. */
export async function actionDefaults(): Promise<Record<string, string>> {
  const spec = await readActionYaml()
  return Object.fromEntries(
    Object.entries(spec.inputs).map(([name, input]) => [
      name,
      String(input.default ?? '').replace('${{ runner.temp }}', '/tmp/runner'),
    ]),
  )
}

/** A core.getInput stand-in over the defaults and `overrides`; reading an undeclared input throws. */
export async function inputReader(overrides: Record<string, string>): Promise<(name: string) => string> {
  const defaults = await actionDefaults()
  const values: Record<string, string> = { ...defaults, image: 'registry.example.com/team/app:1.0', ...overrides }
  return (name) => {
    if (!(name in defaults)) throw new Error(`read undeclared input ${name}`)
    return values[name] ?? ''
  }
}

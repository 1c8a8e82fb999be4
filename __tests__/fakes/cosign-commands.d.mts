// Types for the stand-in cosign's command handlers (cosign-commands.mjs), so TypeScript tests can call them in-process.
export interface FakeIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}
/** Runs one cosign command line (argv without the program name) and returns its exit code. */
export function handle(
  argv: string[],
  env?: Record<string, string | undefined>,
  io?: FakeIo,
  options?: { version?: string },
): Promise<number>
/** The PEM public key the stand-in derives from a private key's text (or a KMS URI). */
export function publicKeyOf(privateText: string): string
export const handlers: Record<string, unknown>
/** The subcommands the handlers answer. */
export const COMMANDS: string[]
/** cosign main()'s rewrite of single-dash long flags, warnings written to `stderr`. */
export function posixArgs(argv: string[], stderr: { write(text: string): unknown }): string[]

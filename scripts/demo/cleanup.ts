// Everything the demo starts is undone on every path: a normal end, a failed step, a thrown error, Ctrl-C (SIGINT)
// or SIGTERM. Undo steps run once, newest first, and a failing one does not stop the others.

export interface Cleanup {
  /** Registers an undo step; it runs when the demo ends however it ends. */
  add(undo: () => Promise<unknown>): void
  /** Runs every undo step (once); safe to call again. */
  run(): Promise<void>
}

export function cleanupOnExit(): Cleanup {
  const steps: (() => Promise<unknown>)[] = []
  let running: Promise<void> | undefined
  const cleanup: Cleanup = {
    add: (undo) => void steps.push(undo),
    run: () =>
      (running ??= (async () => {
        for (const undo of steps.reverse()) {
          await undo().catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`))
        }
      })()),
  }
  // 128 + signal number, as a shell reports a process ended by a signal. The handler stays installed: Ctrl-C reaches
  // the whole process group, and tsx's wrapper relays it again, so a second signal must not end the demo half-way
  // through its cleanup (with `once`, the default action would kill it there).
  let stopping = false
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      console.error(`\n${signal}: stopping the registries and removing the demo's folders`)
      void cleanup.run().finally(() => process.exit(code))
    })
  }
  return cleanup
}

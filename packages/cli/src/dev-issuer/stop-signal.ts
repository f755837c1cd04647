const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/**
 * Resolves when the command should stop: when `signal` aborts (a caller running the command
 * in-process), else on SIGINT (Ctrl-C, which the terminal sends to the whole job: npx, pnpm
 * and this process alike) or SIGTERM. The listeners then stay for the rest of the process and
 * absorb further signals: `pnpm exec` answers its own SIGINT by sending its child SIGTERM at
 * once, and that must not turn a clean stop into a kill. Stopping closes every connection, so
 * it cannot hang waiting on a client.
 */
export function stopRequested(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) resolve()
      else signal.addEventListener('abort', () => resolve(), { once: true })
      return
    }
    for (const name of SIGNALS) process.on(name, () => resolve())
  })
}

// Operations per second in a tight loop, for the in-process measurements.

/** Ops/s of one run of about `durationMs`; `fn(i)` does op number i. */
async function onePass(fn, durationMs, isAsync) {
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < durationMs) {
    if (isAsync) for (let k = 0; k < 256; k++) await fn(ops++)
    else for (let k = 0; k < 256; k++) fn(ops++)
    elapsed = performance.now() - start
  }
  return (ops * 1000) / elapsed
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** Median ops/s over `rounds` runs of about `durationMs` each. */
export async function opsPerSecond(fn, { durationMs, rounds = 3, isAsync = false }) {
  const results = []
  for (let r = 0; r < rounds; r++) results.push(await onePass(fn, durationMs, isAsync))
  return median(results)
}

/**
 * Two variants of one operation timed back to back in every round, in alternating order, so
 * a machine that drifts faster or slower between rounds (a shared VM does) cancels out of the
 * ratio: `ratio` is the median of the per-round `b / a`, and `a`, `b` the median ops/s.
 */
export async function pairedOps(a, b, { durationMs, rounds = 5, isAsync = false }) {
  // A short warm-up of each first, so the JIT does not count against whichever runs first.
  await onePass(a, Math.min(durationMs, 100), isAsync)
  await onePass(b, Math.min(durationMs, 100), isAsync)
  const opsA = []
  const opsB = []
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      opsA.push(await onePass(a, durationMs, isAsync))
      opsB.push(await onePass(b, durationMs, isAsync))
    } else {
      opsB.push(await onePass(b, durationMs, isAsync))
      opsA.push(await onePass(a, durationMs, isAsync))
    }
  }
  const ratios = opsA.map((x, i) => opsB[i] / x).sort((x, y) => x - y)
  return {
    a: median(opsA),
    b: median(opsB),
    ratio: median(ratios),
    ratioRange: [ratios[0], ratios.at(-1)],
  }
}

// The telemetry section's in-process pair: our hot path (`authenticateNow()`, a reused token)
// with no MeterProvider registered and with the OpenTelemetry SDK's, timed alternately in one
// process so that load on the machine falls on both alike. Prints one JSON object.
import { readFileSync } from 'node:fs'
import { metrics } from '@opentelemetry/api'
import { createAuthenticator } from '@m2m-auth/core'
import { opsPerSecond } from './lib/ops.mjs'
import { registerMeterProvider } from './lib/otel.mjs'
import { bearerHeader, requestWith } from './lib/requests.mjs'

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const { issuer, audience, durationMs, pairedRounds } = input
const authenticator = createAuthenticator({ bearer: { issuer, audience } })
const header = bearerHeader(input.algs.RS256.hot)
await authenticator.authenticate(requestWith(header))
const hot = () => authenticator.authenticateNow(requestWith(header))

// Core binds its instruments to whichever provider is global when it records (it rebinds when
// that changes), so switching the global provider between passes switches what a record costs.
let recorded
const off = () => metrics.disable()
const on = () => (recorded = registerMeterProvider())
const without = []
const withSdk = []
for (let round = 0; round < pairedRounds; round++) {
  const pair = [
    [off, without],
    [on, withSdk],
  ]
  for (const [setUp, results] of round % 2 === 0 ? pair : pair.reverse()) {
    setUp()
    hot() // the rebind happens here, outside the timed pass
    results.push(await opsPerSecond(hot, { durationMs, rounds: 1 }))
  }
}
// Measured nothing unless the SDK recorded the passes timed with it.
if (!((await recorded()) > 0)) throw new Error('the SDK recorded no authentication')
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ratios = withSdk.map((x, i) => x / without[i]).sort((a, b) => a - b)
process.stdout.write(
  JSON.stringify({
    without: median(without),
    with: median(withSdk),
    ratio: median(ratios),
    ratioRange: [ratios[0], ratios.at(-1)],
  }) + '\n',
)

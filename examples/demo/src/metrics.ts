import { createServer } from 'node:net'
import { metrics } from '@opentelemetry/api'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'

/** The demo's OpenTelemetry metrics, served for Prometheus on loopback. */
export interface DemoMetrics {
  /** `http://127.0.0.1:<port>/metrics` */
  readonly url: string
  /** One scrape of `url`: the Prometheus text exposition format. */
  scrape(): Promise<string>
  /** Stops the exporter's server and unregisters the provider. */
  close(): Promise<void>
}

const HOST = '127.0.0.1'
const PORT_TRIES = 5

/**
 * Wires metrics the way an application does: an OpenTelemetry SDK MeterProvider with a
 * Prometheus exporter, registered globally. m2m-auth records through `@opentelemetry/api`
 * only, so this must run before the authenticators are created.
 */
export async function startMetrics(): Promise<DemoMetrics> {
  const { exporter, port } = await startExporter()
  const provider = new MeterProvider({ readers: [exporter] })
  if (!metrics.setGlobalMeterProvider(provider)) {
    await provider.shutdown()
    throw new Error('a global OpenTelemetry MeterProvider is already registered')
  }
  const url = `http://${HOST}:${port}/metrics`
  return {
    url,
    scrape: async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) })
      if (!response.ok) throw new Error(`${url} answered ${response.status}`)
      return response.text()
    },
    close: async () => {
      metrics.disable()
      await provider.shutdown()
    },
  }
}

/** The exporter's server on a free loopback port, and the port. */
async function startExporter(): Promise<{ exporter: PrometheusExporter; port: number }> {
  for (let attempt = 1; ; attempt++) {
    // The exporter reads port 0 as "the default, 9464", so the OS cannot choose: take a port
    // that was free a moment ago, and another if something took it meanwhile.
    const port = await freePort()
    const exporter = new PrometheusExporter({ host: HOST, port, preventServerStart: true })
    try {
      await exporter.startServer()
      return { exporter, port }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= PORT_TRIES)
        throw error
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return address.port
}

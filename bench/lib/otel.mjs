// The OpenTelemetry SDK as an application registers it, for the telemetry targets (issue #16):
// a global MeterProvider with a metric reader. The reader exports once an hour, so no export
// runs while a server is timed; what the timed requests pay is the SDK's histogram record.
import { metrics } from '@opentelemetry/api'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'

const DURATION = 'm2m_auth.authentication.duration'

/**
 * Registers the provider globally; resolves to a function that collects the reader and returns
 * how many authentications the duration histogram has counted (the proof the SDK recorded).
 */
export function registerMeterProvider() {
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  })
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))
  return async function recordedAuthentications() {
    const { resourceMetrics } = await reader.collect()
    let count = 0
    for (const scope of resourceMetrics.scopeMetrics)
      for (const metric of scope.metrics)
        if (metric.descriptor.name === DURATION)
          for (const point of metric.dataPoints) count += point.value.count
    return count
  }
}

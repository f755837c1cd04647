import { metrics, type Attributes } from '@opentelemetry/api'
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics'

/** The meter every m2m-auth instrument belongs to (the instrumentation scope). */
export const SCOPE = '@m2m-auth/core'

/** A reader the test collects from on demand: no timer, no exporter. */
class CollectingReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

export interface Point {
  readonly attributes: Attributes
  /** A counter's value; a histogram's count. */
  readonly value: number
  /** A histogram's sum. */
  readonly sum?: number
}

/** One collection of m2m-auth's instruments, as the SDK reports them (cumulative). */
export class Collection {
  constructor(private readonly data: ReadonlyMap<string, MetricData>) {}

  /** Every data point of an instrument (none when it has not reported yet). */
  points(instrument: string): Point[] {
    const metric = this.data.get(instrument)
    if (metric === undefined) return []
    if (metric.dataPointType === DataPointType.HISTOGRAM) {
      return metric.dataPoints.map((p) => ({
        attributes: p.attributes,
        value: p.value.count,
        sum: p.value.sum,
      }))
    }
    return metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number }))
  }

  /** The point whose attribute set is exactly `attributes` (0 when there is none). */
  value(instrument: string, attributes: Attributes): number {
    return this.find(instrument, attributes)?.value ?? 0
  }

  find(instrument: string, attributes: Attributes): Point | undefined {
    const key = attributeKey(attributes)
    return this.points(instrument).find((p) => attributeKey(p.attributes) === key)
  }

  /** What kind of instrument reported: a monotonic sum is a counter (observable or not). */
  kind(instrument: string): { unit: string; kind: 'counter' | 'histogram' | 'other' } | undefined {
    const metric = this.data.get(instrument)
    if (metric === undefined) return undefined
    const { unit } = metric.descriptor
    if (metric.dataPointType === DataPointType.HISTOGRAM) return { unit, kind: 'histogram' }
    if (metric.dataPointType === DataPointType.SUM && metric.isMonotonic)
      return { unit, kind: 'counter' }
    return { unit, kind: 'other' }
  }

  get instruments(): string[] {
    return [...this.data.keys()]
  }
}

/** How much the point with exactly these attributes grew between two collections. */
export function delta(
  before: Collection,
  after: Collection,
  instrument: string,
  attributes: Attributes,
): number {
  return after.value(instrument, attributes) - before.value(instrument, attributes)
}

/** Attribute sets compare by content, whatever order their keys came in. */
export function attributeKey(attributes: Attributes): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/**
 * Registers the SDK as an application would (the global MeterProvider), with a reader the test
 * collects from. Vitest runs each test file in its own worker, so this is the file's alone.
 */
export function registerMetrics(): { collect(): Promise<Collection> } {
  const reader = new CollectingReader()
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))
  return {
    async collect() {
      const { resourceMetrics, errors } = await reader.collect()
      if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed')
      const data = new Map<string, MetricData>()
      for (const scope of resourceMetrics.scopeMetrics) {
        if (scope.scope.name !== SCOPE) continue
        for (const metric of scope.metrics) data.set(metric.descriptor.name, metric)
      }
      return new Collection(data)
    },
  }
}

import type { Registry } from "prom-client";

/** One label set of a ScrapedHistogram: `observe` is a bucket search and three additions. */
export interface HistogramSeries {
  observe(value: number): void;
}

interface Series extends HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** A value of a metric as prom-client's Registry formats it (the shape its own Histogram returns). */
interface MetricValue {
  labels: Record<string, string | number>;
  sharedLabels: Readonly<Record<string, string>>;
  value: number;
  metricName: string;
}

export interface ScrapedHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds, ascending; +Inf is added. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

/**
 * A Prometheus histogram whose series are plain counters, read when the registry is scraped: the same
 * text as prom-client's Histogram (`_bucket` with `le`, `_sum`, `_count`), but an observation costs no
 * label hashing. prom-client hashes the label set on every observe, even through `labels()`: with a
 * counter beside it that was ~1 µs per gateway request through a subprocess plugin, more than the rest
 * of the metrics together. Series are made once per label set by the caller (`series`), who keeps them.
 */
export class ScrapedHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly #buckets: readonly number[];
  readonly #series: Series[] = [];

  constructor(options: ScrapedHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.#buckets = [...options.buckets];
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** A new series for these labels (call once per label set). */
  series(labels: Readonly<Record<string, string>>): HistogramSeries {
    const buckets = this.#buckets;
    const series: Series = {
      labels,
      counts: new Float64Array(buckets.length + 1),
      sum: 0,
      count: 0,
      observe(value) {
        let i = 0;
        while (i < buckets.length && value > buckets[i]!) i++;
        this.counts[i]!++;
        this.sum += value;
        this.count++;
      },
    };
    this.#series.push(series);
    return series;
  }

  /** What prom-client's Registry reads at scrape time. */
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: MetricValue[] }> {
    const values: MetricValue[] = [];
    for (const series of this.#series) {
      if (series.count === 0) continue;
      const sharedLabels = series.labels;
      let cumulative = 0;
      for (let i = 0; i <= this.#buckets.length; i++) {
        cumulative += series.counts[i]!;
        values.push({ labels: { le: i < this.#buckets.length ? this.#buckets[i]! : "+Inf" }, sharedLabels, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: {}, sharedLabels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels, value: series.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Registry.resetMetrics() calls it on every metric. */
  reset(): void {
    for (const series of this.#series) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}

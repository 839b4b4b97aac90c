/** Upper bounds of the latency buckets in ms: 1-2-5 steps from 50 µs to 60 s, then +Inf. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 60_000,
];

/** A latency summary: how many, and estimated percentiles in ms (0 when there was nothing). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * A fixed-bucket latency histogram: constant memory whatever the call rate. Percentiles are estimated
 * by linear interpolation inside the bucket that holds them, so they are as precise as the buckets
 * (a factor of 2–2.5 between bounds).
 */
export class LatencyHistogram {
  readonly #counts = new Float64Array(LATENCY_BUCKETS_MS.length + 1);
  #count = 0;
  #max = 0;

  record(ms: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
    this.#counts[i]!++;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  /** The estimated latency below which a fraction `q` (0–1) of the calls fall. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = q * this.#count;
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      const inBucket = this.#counts[i]!;
      if (inBucket > 0 && seen + inBucket >= rank) {
        const low = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
        const high = i < LATENCY_BUCKETS_MS.length ? Math.min(LATENCY_BUCKETS_MS[i]!, this.#max) : this.#max;
        return low + (high - low) * Math.max(0, Math.min(1, (rank - seen) / inBucket));
      }
      seen += inBucket;
    }
    return this.#max;
  }

  summary(): LatencySummary {
    return { count: this.#count, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.#max };
  }
}

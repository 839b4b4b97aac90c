/** Passive health settings, as decoded from config. */
export interface UpstreamHealthOptions {
  /** Failures within `failDuration` that mark an upstream down. */
  readonly maxFails: number;
  /** Milliseconds a failure counts; 0 disables the checks. */
  readonly failDuration: number;
}

/** Failure bookkeeping for a fixed list of upstreams, by index. */
export interface UpstreamHealth {
  /** Counts a failure of upstream `index` at time `now` (ms). */
  recordFailure(index: number, now: number): void;
  /** False while upstream `index` has `maxFails` failures younger than `failDuration`. */
  isAvailable(index: number, now: number): boolean;
}

/**
 * Creates passive health bookkeeping like Caddy's: each failure counts for `failDuration` ms, and an
 * upstream with `maxFails` counted failures is down until the oldest of them ages out. Only the newest
 * `maxFails` failures are kept per upstream, so memory stays bounded.
 */
export function createUpstreamHealth(count: number, options: UpstreamHealthOptions): UpstreamHealth {
  const failures: number[][] = Array.from({ length: count }, () => []);
  const recent = (index: number, now: number): number[] => {
    const list = (failures[index] ?? []).filter((at) => now - at < options.failDuration);
    failures[index] = list;
    return list;
  };
  return {
    recordFailure(index, now) {
      if (options.failDuration === 0) return;
      const list = recent(index, now);
      list.push(now);
      if (list.length > options.maxFails) list.splice(0, list.length - options.maxFails);
    },
    isAvailable(index, now) {
      if (options.failDuration === 0) return true;
      return recent(index, now).length < options.maxFails;
    },
  };
}

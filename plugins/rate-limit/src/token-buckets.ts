export interface TokenBucketsOptions {
  /** Tokens added per second, > 0. */
  readonly rate: number;
  /** Bucket size: the most requests a client may make at once, >= 1. */
  readonly burst: number;
  /** The most buckets kept; beyond it the least recently used bucket is dropped. */
  readonly maxKeys: number;
  /** A monotonic clock in milliseconds; `performance.now` unless a test passes its own. */
  readonly now?: () => number;
}

/** The outcome of taking one token, with what the RateLimit headers report. */
export interface TakeResult {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Whole seconds (rounded up) until the bucket is full again; 0 when it is full. */
  readonly resetSeconds: number;
  /** Whole seconds (rounded up, >= 1) until a token is available; 0 when allowed. */
  readonly retryAfterSeconds: number;
}

export interface TokenBuckets {
  /** Takes one token from `key`'s bucket, creating a full bucket for a new key. */
  take(key: string): TakeResult;
  /** Drops every bucket that has refilled completely (a full bucket is the same as none); returns how many. */
  sweep(): number;
  /** The number of buckets tracked. */
  readonly size: number;
}

const EPSILON = 1e-9;

interface Bucket {
  tokens: number;
  /** Clock reading when `tokens` was last computed. */
  at: number;
}

/**
 * Token buckets per client key, bounded in memory. Each bucket holds up to `burst` tokens and refills
 * continuously at `rate` per second; a request takes one token or is refused. Buckets live in a Map in
 * least-recently-used order: a new key beyond `maxKeys` evicts the oldest one, which is also the one most
 * likely full already (evicting a bucket that is not full forgives that client some requests, the price of
 * a hard bound). `sweep` removes full buckets, which costs nothing since a new bucket starts full.
 */
export function createTokenBuckets(options: TokenBucketsOptions): TokenBuckets {
  const { rate, burst, maxKeys } = options;
  if (!(rate > 0 && Number.isFinite(rate))) throw new Error(`rate must be a positive number, got ${rate}`);
  if (!(Number.isInteger(burst) && burst >= 1)) throw new Error(`burst must be an integer >= 1, got ${burst}`);
  if (!(Number.isInteger(maxKeys) && maxKeys >= 1)) throw new Error(`maxKeys must be an integer >= 1, got ${maxKeys}`);
  const now = options.now ?? (() => performance.now());
  const perMs = rate / 1000;
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, time: number) => {
    // A clock never goes back, but guard anyway so a bucket cannot drain by itself.
    const elapsed = Math.max(0, time - bucket.at);
    bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perMs);
    bucket.at = time;
  };
  const secondsUntil = (tokens: number) => Math.ceil(tokens / rate - EPSILON);

  return {
    take(key) {
      const time = now();
      let bucket = buckets.get(key);
      if (bucket) {
        buckets.delete(key);
        refill(bucket, time);
      } else {
        bucket = { tokens: burst, at: time };
        if (buckets.size >= maxKeys) {
          const oldest = buckets.keys().next();
          if (!oldest.done) buckets.delete(oldest.value);
        }
      }
      buckets.set(key, bucket);
      // The epsilon absorbs float error, so exactly 1/rate seconds of waiting always earns a token.
      const allowed = bucket.tokens >= 1 - EPSILON;
      if (allowed) bucket.tokens = Math.max(0, bucket.tokens - 1);
      return {
        allowed,
        remaining: Math.floor(bucket.tokens),
        resetSeconds: Math.max(0, secondsUntil(burst - bucket.tokens)),
        retryAfterSeconds: allowed ? 0 : Math.max(1, secondsUntil(1 - bucket.tokens)),
      };
    },
    sweep() {
      const time = now();
      let removed = 0;
      const count = buckets.size;
      const keys = buckets.keys();
      for (let i = 0; i < count; i++) {
        const next = keys.next();
        if (next.done) break;
        const bucket = buckets.get(next.value)!;
        if (bucket.tokens + Math.max(0, time - bucket.at) * perMs >= burst - EPSILON) {
          buckets.delete(next.value);
          removed++;
        }
      }
      return removed;
    },
    get size() {
      return buckets.size;
    },
  };
}

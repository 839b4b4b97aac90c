import { runWrk } from "./run-wrk.ts";
import type { WrkResult } from "./run-wrk.ts";
import type { RunningServer } from "./start-server.ts";

/** A server under test: how to start it, and the path wrk loads. */
export interface Contender {
  name: string;
  start(): Promise<RunningServer>;
  path: string;
}

export interface MeasureOptions {
  rounds: number;
  /** Seconds of one wrk run. */
  seconds: number;
  connections: number;
  /** The core wrk is pinned to. */
  wrkCpu: number;
  log: (line: string) => void;
}

/** Per contender name, per round, its wrk results in that round (two: forward and backward). */
export type RoundResults = Map<string, WrkResult[][]>;

/**
 * Measures every contender in each round, forward then backward (A B C C B A), so a drift in the
 * machine's speed during a round weighs on all sides alike; each contender is started and warmed up
 * (2 s of wrk: JIT, caches) first, and stopped at the end. Bounded: `rounds` × 2 × contenders wrk runs,
 * each bounded by its duration.
 */
export async function measure(contenders: Contender[], options: MeasureOptions): Promise<RoundResults> {
  const { rounds, seconds, connections, wrkCpu: cpu, log } = options;
  const results: RoundResults = new Map(contenders.map((c) => [c.name, []]));
  const running = new Map<string, RunningServer>();
  try {
    for (const c of contenders) {
      const server = await c.start();
      running.set(c.name, server);
      await runWrk(server.url + c.path, { seconds: 2, connections, cpu }); // warm-up (JIT, caches)
    }
    for (let round = 1; round <= rounds; round++) {
      for (const c of contenders) results.get(c.name)!.push([]);
      for (const c of [...contenders, ...[...contenders].reverse()]) {
        const result = await runWrk(running.get(c.name)!.url + c.path, { seconds, connections, cpu });
        results.get(c.name)![round - 1]!.push(result);
      }
      log(`  round ${round}/${rounds} ${contenders.map((c) => `${c.name} ${results.get(c.name)![round - 1]!.map((r) => r.requestsPerSecond.toFixed(0)).join("/")}`).join(", ")}`);
    }
  } finally {
    await Promise.all([...running.values()].map((s) => s.stop()));
  }
  return results;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const sum = (list: WrkResult[]) => list.reduce((total, r) => total + r.requestsPerSecond, 0);

/** Median over rounds of (a's requests in the round) / (b's requests in the round). */
export const roundRatio = (results: RoundResults, a: string, b: string): number =>
  median(results.get(a)!.map((round, i) => sum(round) / sum(results.get(b)![i]!)));

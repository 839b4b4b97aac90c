import { spawnSync } from "node:child_process";

/** Runs a command to its end (output discarded) and returns its wall time in milliseconds; throws if it fails. */
export function timeCommand(command: string, args: readonly string[], options: { cwd?: string } = {}): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: options.cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface PairTiming {
  /** Median wall time of the measured command and of the baseline, in ms. */
  ms: number;
  baselineMs: number;
  /** Median over rounds of (command's time in the round) / (baseline's time in the round). */
  ratio: number;
}

/**
 * Times `run` against `baseline` in alternating rounds (A B B A), so that a drift in the machine's speed
 * weighs on both alike; one warm-up of each first.
 */
export function timePair(run: () => number, baseline: () => number, rounds: number): PairTiming {
  run();
  baseline();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const b1 = baseline();
    const a1 = run();
    const a2 = run();
    const b2 = baseline();
    ours.push((a1 + a2) / 2);
    theirs.push((b1 + b2) / 2);
  }
  return { ms: median(ours), baselineMs: median(theirs), ratio: median(ours.map((a, i) => a / theirs[i]!)) };
}

/** The median of `rounds` timings of `run`, each after `prepare` (untimed). */
export function timeRepeated(run: () => number, rounds: number, prepare: () => void = () => {}): number {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    prepare();
    times.push(run());
  }
  return median(times);
}

/**
 * `pnpm bench ipc`: one call to a subprocess, three ways, side by side in one run, in alternating rounds
 * (floor, peer, loom, loom, peer, floor), each loop bounded by a count and a time:
 *   - floor: a bare pipe between two Node processes, u32 length + raw bytes, the child echoes;
 *   - vscode-jsonrpc over stdio, the child answers an `echo` request;
 *   - loom: a plugin served with `serve()` (bundled once as the composer bundles a subprocess plugin, run
 *     by plain node) called through createPluginPool (the runtime bundled the same way).
 * This process runs on core 1, every child on core 0 (taskset). Ratios are medians of per-round ratios.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CODE_CACHE_STARTER, PLUGIN_CODE_FILE, esbuildBase } from "@loom/composer";
import { build } from "esbuild";
import { loadRuntime, pin, startFloor, startLoom, startPeer } from "./ipc-clients.ts";
import { readProcessInfo } from "./read-process-info.ts";
import type { IpcClient } from "./ipc-clients.ts";

const HOST_CPU = "1";
const CHILD_CPU = "0";
const IN_FLIGHT = 64;
const SMALL = randomBytes(16);
const BIG = randomBytes(64 * 1024);

export interface IpcBenchOptions {
  repo: string;
  /** Temporary folder for the plugin bundle. */
  dir: string;
  rounds: number;
  /** Time bound of one measured loop, in ms (each loop is also bounded by a count). */
  loopMs: number;
  startRounds: number;
  log: (line: string) => void;
}

interface Figures {
  p50: number;
  p99: number;
  callsPerSecond: number;
  bigP50: number;
  /** CPU time per call at 64 in flight, in µs: this process (the caller) and the child. */
  hostCpuUs: number;
  childCpuUs: number;
  /**
   * Minor page faults per 64 KiB round trip, this process and the child: memory the allocator handed out
   * fresh (after glibc gave it back to the kernel), each fault a few µs on a VM. They swing from run to run.
   */
  bigHostFaults: number;
  bigChildFaults: number;
}

const FIGURE_KEYS = ["p50", "p99", "callsPerSecond", "bigP50", "hostCpuUs", "childCpuUs", "bigHostFaults", "bigChildFaults"] as const satisfies readonly (keyof Figures)[];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;

/** Sequential calls, one in flight: latencies in µs, at most `count` calls or `ms` of time. */
async function latencies(client: IpcClient, payload: Uint8Array, count: number, ms: number): Promise<number[]> {
  const times: number[] = [];
  const until = performance.now() + ms;
  for (let i = 0; i < count && performance.now() < until; i++) {
    const started = performance.now();
    await client.call(payload);
    times.push((performance.now() - started) * 1000);
  }
  return times.sort((a, b) => a - b);
}

/** `IN_FLIGHT` calls kept in flight: calls per second over at most `count` calls or `ms` of time. */
function throughput(client: IpcClient, count: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const until = started + ms;
    let sent = 0;
    let done = 0;
    let stopped = false;
    const next = (): void => {
      if (stopped) return;
      if (sent < count && performance.now() < until) {
        sent++;
        client.call(SMALL).then(() => {
          done++;
          next();
        }, reject);
      } else if (done === sent) {
        stopped = true;
        resolve(done / ((performance.now() - started) / 1000));
      }
    };
    for (let i = 0; i < IN_FLIGHT; i++) next();
  });
}

async function measureOnce(client: IpcClient, loopMs: number): Promise<Figures> {
  const small = await latencies(client, SMALL, 20_000, loopMs);
  // Where the time of a pipelined call goes, side by side: the caller's CPU and the child's
  // (/proc, 10 ms ticks: a 300 ms loop reads to about ±5%).
  const hostBefore = process.cpuUsage();
  const childBefore = readProcessInfo(client.pid).cpuSeconds;
  const started = performance.now();
  const callsPerSecond = await throughput(client, 200_000, loopMs);
  const calls = callsPerSecond * ((performance.now() - started) / 1000);
  const host = process.cpuUsage(hostBefore);
  const childCpuUs = ((readProcessInfo(client.pid).cpuSeconds - childBefore) * 1e6) / calls;
  const faultsBefore = { host: readProcessInfo(process.pid).minorFaults, child: readProcessInfo(client.pid).minorFaults };
  const big = await latencies(client, BIG, 5_000, loopMs / 2);
  const bigHostFaults = (readProcessInfo(process.pid).minorFaults - faultsBefore.host) / big.length;
  const bigChildFaults = (readProcessInfo(client.pid).minorFaults - faultsBefore.child) / big.length;
  return { p50: quantile(small, 0.5), p99: quantile(small, 0.99), callsPerSecond, bigP50: quantile(big, 0.5), hostCpuUs: (host.user + host.system) / calls, childCpuUs, bigHostFaults, bigChildFaults };
}

/**
 * Bundles the plugin as the composer bundles a plugin with placement subprocess (esbuildBase: zod with
 * English messages only) into a folder with the composer's starter (plugin.cjs: V8 code cache, kept in
 * `<dir>/cache`, which the first, unmeasured start writes). Returns the plugin.cjs to run with node and
 * the environment its processes get.
 */
async function bundleLikeComposer(entry: string, dir: string, repo: string): Promise<{ file: string; env: Record<string, string> }> {
  mkdirSync(dir, { recursive: true });
  await build({ ...esbuildBase(repo, { registryPlugins: false }), entryPoints: [entry], outfile: join(dir, PLUGIN_CODE_FILE) });
  writeFileSync(join(dir, "plugin.cjs"), CODE_CACHE_STARTER);
  return { file: join(dir, "plugin.cjs"), env: { LOOM_CACHE_DIR: join(dir, "cache") } };
}

/** Spawns a child and waits for its exit: wall time in ms. */
function timeSpawn(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", () => resolve(performance.now() - started));
  });
}

export interface IpcBenchResult {
  rounds: number;
  loopMs: number;
  /** Medians over rounds, per contender. */
  medians: Record<string, Figures>;
  ratios: { name: string; ratio: number; goal: string; met: boolean }[];
  start: { loomMs: number; nodeMs: number; ratio: number };
}

export async function benchIpc(options: IpcBenchOptions): Promise<IpcBenchResult> {
  const { log } = options;
  const here = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
  const bundle = await bundleLikeComposer(here("ipc-plugin.mjs"), join(options.dir, "ipc-plugin"), options.repo);
  // The host side runs bundled, as in a distribution: from sources, tsx's keepNames wraps every closure
  // the runtime makes per call in a defineProperty (~4% of the host's time in a profile).
  const runtime = join(options.dir, "runtime.cjs");
  await build({ ...esbuildBase(options.repo, { registryPlugins: false }), entryPoints: [join(options.repo, "packages/runtime/src/index.ts")], outfile: runtime });
  await loadRuntime(runtime);
  pin(process.pid, HOST_CPU);

  // (4) start-up first, before the call loops warm anything else: node -e 0, loom, loom, node -e 0.
  const loomStarts: number[] = [];
  const nodeStarts: number[] = [];
  const startOnce = async () => {
    const client = await startLoom(bundle.file, bundle.env);
    await client.close();
    return client.firstCallMs;
  };
  await startOnce();
  await timeSpawn(["-e", "0"]);
  for (let round = 0; round < options.startRounds; round++) {
    const b1 = await timeSpawn(["-e", "0"]);
    const a1 = await startOnce();
    const a2 = await startOnce();
    const b2 = await timeSpawn(["-e", "0"]);
    loomStarts.push((a1 + a2) / 2);
    nodeStarts.push((b1 + b2) / 2);
  }
  const start = { loomMs: median(loomStarts), nodeMs: median(nodeStarts), ratio: median(loomStarts.map((a, i) => a / nodeStarts[i]!)) };
  log(`  start to first call: loom ${start.loomMs.toFixed(1)} ms, node -e 0 ${start.nodeMs.toFixed(1)} ms`);

  const clients = [startFloor(here("ipc-floor-child.mjs")), startPeer(here("ipc-jsonrpc-child.mjs")), await startLoom(bundle.file, bundle.env)];
  const results = new Map<string, Figures[]>(clients.map((c) => [c.name, []]));
  try {
    for (const client of clients) {
      pin(client.pid, CHILD_CPU);
      await measureOnce(client, 200); // warm-up (JIT)
    }
    for (let round = 1; round <= options.rounds; round++) {
      const figures = new Map<string, Figures[]>(clients.map((c) => [c.name, []]));
      for (const client of [...clients, ...[...clients].reverse()]) figures.get(client.name)!.push(await measureOnce(client, options.loopMs));
      for (const [name, list] of figures) {
        const mean = (key: keyof Figures) => list.reduce((sum, f) => sum + f[key], 0) / list.length;
        results.get(name)!.push(Object.fromEntries(FIGURE_KEYS.map((key) => [key, mean(key)])) as unknown as Figures);
      }
      log(`  round ${round}/${options.rounds} ${[...results].map(([name, list]) => `${name} p50 ${list.at(-1)!.p50.toFixed(0)} µs ${list.at(-1)!.callsPerSecond.toFixed(0)}/s`).join(", ")}`);
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }

  const medians = Object.fromEntries(
    [...results].map(([name, list]) => [
      name,
      Object.fromEntries(FIGURE_KEYS.map((key) => [key, median(list.map((f) => f[key]))])) as unknown as Figures,
    ]),
  );
  /** Median over rounds of loom's figure / another's. */
  const ratio = (key: keyof Figures, other: string) => median(results.get("loom")!.map((f, i) => f[key] / results.get(other)![i]![key]));
  const rows = [
    { name: "one call in flight, p50: loom / floor", ratio: ratio("p50", "floor"), goal: "≤ 1.3×", met: ratio("p50", "floor") <= 1.3 },
    { name: "64 in flight, calls/s: loom / floor", ratio: ratio("callsPerSecond", "floor"), goal: "≥ 0.75×", met: ratio("callsPerSecond", "floor") >= 0.75 },
    { name: "64 in flight, calls/s: loom / vscode-jsonrpc", ratio: ratio("callsPerSecond", "vscode-jsonrpc"), goal: "≥ 3×", met: ratio("callsPerSecond", "vscode-jsonrpc") >= 3 },
    { name: "64 KiB round trip, p50: loom / floor", ratio: ratio("bigP50", "floor"), goal: "≤ 1.5×", met: ratio("bigP50", "floor") <= 1.5 },
    { name: "start to first call: loom / node -e 0", ratio: start.ratio, goal: "≤ 1.3×", met: start.ratio <= 1.3 },
  ];
  return { rounds: options.rounds, loopMs: options.loopMs, medians, ratios: rows, start };
}

export function formatIpcBench(result: IpcBenchResult): string {
  const lines = [`\nsubprocess calls, ${result.rounds} alternating rounds of ${result.loopMs} ms loops: medians`];
  lines.push(
    `  ${"".padEnd(16)} ${"p50 µs".padStart(8)} ${"p99 µs".padStart(8)} ${"calls/s (64)".padStart(13)} ${"64 KiB p50 µs".padStart(14)} ${"CPU µs/call (64): host".padStart(23)} ${"child".padStart(6)} ${"64 KiB faults/call: host".padStart(25)} ${"child".padStart(6)}`,
  );
  for (const [name, f] of Object.entries(result.medians)) {
    lines.push(
      `  ${name.padEnd(16)} ${f.p50.toFixed(0).padStart(8)} ${f.p99.toFixed(0).padStart(8)} ${f.callsPerSecond.toFixed(0).padStart(13)} ${f.bigP50.toFixed(0).padStart(14)} ${f.hostCpuUs.toFixed(2).padStart(23)} ${f.childCpuUs.toFixed(2).padStart(6)} ${f.bigHostFaults.toFixed(2).padStart(25)} ${f.bigChildFaults.toFixed(2).padStart(6)}`,
    );
  }
  lines.push(`  start to first call: loom ${result.start.loomMs.toFixed(1)} ms, node -e 0 ${result.start.nodeMs.toFixed(1)} ms`);
  lines.push("\nratios, median of per-round ratios (goal)");
  for (const row of result.ratios) lines.push(`  ${row.name.padEnd(46)} ${row.ratio.toFixed(2)}×  (${row.goal}) ${row.met ? "met" : "NOT met"}`);
  return lines.join("\n") + "\n";
}

/**
 * `pnpm bench plugin`: gateway requests/s with one handler plugin as a subprocess plugin against the same
 * handler bundled, both as composed executables (`loom build`), in alternating rounds (A B B A).
 *
 * The handler is createPluginWorkspace's generated one-module plugin (`http.handlers.greet_01`: a template
 * string and textResponse per request), built from the same folder once with placement "bundled" and once
 * with "subprocess". A handler this cheap is the honest, hard case: nothing hides the cost of the call to
 * the plugin process behind handler work.
 *
 * Pinning, for a fair comparison: each gateway runs under `taskset -c 0` and wrk on core 1, as in the
 * http section. The plugin process inherits the gateway's affinity, so the subprocess variant runs its
 * two processes (gateway + plugin) on the same single core the bundled variant has to itself: the ratio is
 * per core, and the IPC's CPU cost counts in full. The check before measuring fails if that pinning is off.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPluginWorkspace } from "./create-plugin-workspace.ts";
import { measure, median, roundRatio } from "./measure-contenders.ts";
import type { Contender } from "./measure-contenders.ts";
import { childProcesses, readProcessInfo } from "./read-process-info.ts";
import type { RunningServer } from "./start-server.ts";
import { startServer } from "./start-server.ts";

const WORKSPACE = "bench-plugin-placement";
const MODULE = "greet_01";
const EXPECTED_BODY = "hello from 01: /\n";
const BUILD_TIMEOUT_MS = 300_000;
const CHECK_TIMEOUT_MS = 5_000;
const GOAL = 0.5;
const VARIANTS = ["bundled", "subprocess"] as const;
type Variant = (typeof VARIANTS)[number];

export interface PluginPlacementOptions {
  repo: string;
  rounds: number;
  seconds: number;
  connections: number;
  serverCpu: string;
  wrkCpu: number;
  log: (line: string) => void;
}

export interface PluginPlacementBench {
  handler: string;
  rounds: number;
  seconds: number;
  connections: number;
  pinning: string;
  /** Median over every wrk run, per variant. */
  requestsPerSecond: Record<Variant, number>;
  p99Ms: Record<Variant, number>;
  /** Socket errors and non-2xx responses over every measured run (any makes the goal not met). */
  errors: Record<Variant, number>;
  /** Share of the CPU time of the subprocess variant's two processes, from start to stop. */
  cpuShare: { gateway: number; plugin: number };
  ratio: { name: string; ratio: number; goal: string; met: boolean };
}

/** Builds a manifest with the loom CLI (plain Node, as `pnpm loom` runs it); returns the executable. */
function build(repo: string, manifest: string, out: string, log: (line: string) => void): string {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(repo, "tooling/composer/bin/loom.mjs"), "build", manifest, "--out", out], { cwd: repo, encoding: "utf8", timeout: BUILD_TIMEOUT_MS });
  if (result.status !== 0) throw new Error(`loom build ${manifest} failed (${result.status ?? result.signal ?? result.error?.message}):\n${result.stderr}`);
  log(`  built ${manifest} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return join(out, "gateway");
}

/** Checks one answer, and that the plugin runs where the variant says: the subprocess one as a child pinned like the gateway. */
async function check(variant: Variant, server: RunningServer, serverCpu: string): Promise<number | undefined> {
  const response = await fetch(`${server.url}/`, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
  const body = await response.text();
  if (response.status !== 200 || body !== EXPECTED_BODY) throw new Error(`${variant}: GET / answered ${response.status} ${JSON.stringify(body)}, not 200 ${JSON.stringify(EXPECTED_BODY)}`);
  const plugins = childProcesses(server.pid).map(readProcessInfo).filter((p) => p.argv.includes("__loom-serve-plugin"));
  if (variant === "bundled") {
    if (plugins.length > 0) throw new Error(`bundled: the gateway runs a plugin process (${plugins[0]!.argv.join(" ")})`);
    return undefined;
  }
  if (plugins.length !== 1) throw new Error(`subprocess: expected one plugin process under the gateway (pid ${server.pid}), found ${plugins.length}`);
  const plugin = plugins[0]!;
  if (plugin.cpus !== serverCpu) throw new Error(`subprocess: the plugin process may run on cores ${plugin.cpus}, not only the gateway's core ${serverCpu}`);
  return plugin.pid;
}

/** See the file's comment. Temp folders, composer caches and processes are removed in all cases. */
export async function benchPluginPlacement(options: PluginPlacementOptions): Promise<PluginPlacementBench> {
  const { repo, serverCpu, log } = options;
  const out = mkdtempSync(join(tmpdir(), "loom-bench-plugin-"));
  const workspace = createPluginWorkspace(repo, WORKSPACE, 1);
  const cpu = { gateway: 0, plugin: 0 };
  try {
    log(`plugin placement: http.handlers.${MODULE} bundled vs subprocess, executables in ${out}`);
    const contenders: Contender[] = VARIANTS.map((variant) => {
      const manifest = join(workspace.dir, `bench-plugin-${variant}.json`);
      writeFileSync(manifest, JSON.stringify({ host: "@loom/gateway", target: "executable", plugins: [{ path: "./plugins/p01", placement: variant }] }, null, 2) + "\n");
      const dir = join(out, variant);
      const exe = build(repo, manifest, dir, log);
      const config = { listen: "127.0.0.1:0", admin: false, logging: { level: "warn", access: false }, plugins: { dirs: variant === "subprocess" ? ["./plugins.d"] : [] }, routes: [{ handle: { handler: MODULE } }] };
      writeFileSync(join(dir, "gateway.json"), JSON.stringify(config, null, 2) + "\n");
      return {
        name: variant,
        path: "/",
        start: async () => {
          const server = await startServer("taskset", ["-c", serverCpu, exe, "run", "--config", join(dir, "gateway.json")], /gateway listening on (http:\S+)/);
          let pluginPid: number | undefined;
          try {
            pluginPid = await check(variant, server, serverCpu);
          } catch (error) {
            await server.stop();
            throw error;
          }
          const before = { gateway: readProcessInfo(server.pid).cpuSeconds, plugin: pluginPid === undefined ? 0 : readProcessInfo(pluginPid).cpuSeconds };
          return {
            ...server,
            stop: async () => {
              if (pluginPid !== undefined) {
                cpu.gateway = readProcessInfo(server.pid).cpuSeconds - before.gateway;
                cpu.plugin = readProcessInfo(pluginPid).cpuSeconds - before.plugin;
              }
              await server.stop();
            },
          };
        },
      };
    });
    log(`  pinning: gateway on core ${serverCpu} (its plugin process too, inherited), wrk on core ${options.wrkCpu}`);
    const results = await measure(contenders, { rounds: options.rounds, seconds: options.seconds, connections: options.connections, wrkCpu: options.wrkCpu, log });
    const runs = (variant: Variant) => results.get(variant)!.flat();
    const perVariant = <T>(f: (variant: Variant) => T) => Object.fromEntries(VARIANTS.map((v) => [v, f(v)])) as Record<Variant, T>;
    const errors = perVariant((v) => runs(v).reduce((total, r) => total + r.errors, 0));
    const ratio = roundRatio(results, "subprocess", "bundled");
    const cpuTotal = cpu.gateway + cpu.plugin || 1;
    return {
      handler: `http.handlers.${MODULE}`,
      rounds: options.rounds,
      seconds: options.seconds,
      connections: options.connections,
      pinning: `gateway and its plugin process on core ${serverCpu} (the subprocess variant: 2 processes on that 1 core), wrk on core ${options.wrkCpu}`,
      requestsPerSecond: perVariant((v) => Math.round(median(runs(v).map((r) => r.requestsPerSecond)))),
      p99Ms: perVariant((v) => median(runs(v).map((r) => r.latencyP99Ms))),
      errors,
      cpuShare: { gateway: cpu.gateway / cpuTotal, plugin: cpu.plugin / cpuTotal },
      ratio: { name: "gateway req/s, handler as subprocess plugin / bundled", ratio, goal: `≥ ${GOAL}×`, met: ratio >= GOAL && errors.bundled + errors.subprocess === 0 },
    };
  } finally {
    workspace.remove();
    for (const variant of VARIANTS) rmSync(join(repo, ".loom-cache", `bench-plugin-${variant}`), { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

/** The section as text: req/s and p99 per variant, the CPU split, and the ratio against its goal. */
export function formatPluginPlacementBench(result: PluginPlacementBench): string {
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
  const lines = [`\ngateway, ${result.handler} bundled vs as a subprocess plugin (executables, wrk -c${result.connections}, ${result.rounds} alternating rounds): medians`];
  lines.push(`  pinning: ${result.pinning}`);
  for (const variant of VARIANTS) {
    const errors = result.errors[variant] > 0 ? `, ${result.errors[variant]} errors` : "";
    lines.push(`  ${variant.padEnd(32)} ${String(result.requestsPerSecond[variant]).padStart(7)} req/s  (p99 ${result.p99Ms[variant].toFixed(2)} ms${errors})`);
  }
  lines.push(`  CPU time of the subprocess variant: gateway ${pct(result.cpuShare.gateway)}, plugin process ${pct(result.cpuShare.plugin)}`);
  lines.push("\nratio, median of per-round ratios (goal)");
  lines.push(`  ${result.ratio.name.padEnd(56)} ${result.ratio.ratio.toFixed(2)}×  (${result.ratio.goal}) ${result.ratio.met ? "met" : "NOT met"}`);
  return lines.join("\n") + "\n";
}

/**
 * `pnpm bench`: the gateway measured side by side with baselines in one run, on 127.0.0.1, with Debian's
 * wrk (`-t1 -c32`), alternating rounds so drift hits both sides alike. Prints ratios against the goals.
 * Every server runs pinned to core 0 and wrk to core 1 (taskset): this 2-core VM's speed drifts, and
 * unpinned runs let the load generator and the server steal each other's core. Node serves from one
 * thread; Caddy gets the same single core for its goroutines, so the comparison is per core.
 *   - gateway (respond handler; default config, then with the access log on) vs a bare node:http server
 *     answering the same body
 *   - gateway static plugin vs Caddy's file_server, serving the same 10 KB file
 * then the composer on 50 generated plugins (bench-composer.ts), then subprocess plugin calls against a bare
 * pipe and vscode-jsonrpc (bench-ipc.ts), and the gateway serving a handler as a subprocess plugin against the
 * same handler bundled (bench-plugin-placement.ts). `pnpm bench http`, `plugin`, `composer` or `ipc` runs one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchComposer, formatComposerBench } from "./bench-composer.ts";
import { benchIpc, formatIpcBench } from "./bench-ipc.ts";
import { ensureTools } from "./ensure-tools.ts";
import { benchPluginPlacement, formatPluginPlacementBench } from "./bench-plugin-placement.ts";
import { measure as measureContenders, median, roundRatio } from "./measure-contenders.ts";
import type { Contender } from "./measure-contenders.ts";
import { startServer } from "./start-server.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SERVER_CPU = "0";
const WRK_CPU = 1;
const CONNECTIONS = 32;
const json = process.argv.includes("--json");
const only = process.argv.slice(2).find((arg) => arg === "http" || arg === "plugin" || arg === "composer" || arg === "ipc");
const COMPOSER_ROUNDS = Number(process.env.BENCH_COMPOSER_ROUNDS ?? 15);
const BUILD_ROUNDS = Number(process.env.BENCH_BUILD_ROUNDS ?? 3);
const IPC_ROUNDS = Number(process.env.BENCH_IPC_ROUNDS ?? 6);
const IPC_LOOP_MS = Number(process.env.BENCH_IPC_LOOP_MS ?? 300);
const log = (line: string) => process.stderr.write(`${line}\n`);

const tsx = createRequire(import.meta.url).resolve("tsx/cli");
const gatewayMain = fileURLToPath(new URL("../../../apps/gateway/src/dev-main.ts", import.meta.url));
const bareServer = fileURLToPath(new URL("./bare-server.mjs", import.meta.url));

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  }));
}

const dir = mkdtempSync(join(tmpdir(), "loom-bench-"));
const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
const www = join(dir, "www");

const measure = (contenders: Contender[]) => measureContenders(contenders, { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, wrkCpu: WRK_CPU, log });

const gateway = (name: string, config: object, path = "/"): Contender => ({
  name,
  path,
  start: () =>
    startServer("taskset", ["-c", SERVER_CPU, process.execPath, tsx, gatewayMain, "run", "--config", file(`${name}.json`, JSON.stringify({ listen: "127.0.0.1:0", admin: false, ...config }))], /gateway listening on (http:\S+)/),
});

async function main(): Promise<object> {
  ensureTools(["wrk", "caddy"], log);
  mkdirSync(www);
  writeFileSync(join(www, "ten-kb.html"), "<!doctype html><title>x</title>" + "x".repeat(10 * 1024 - 31));
  const caddyPort = await freePort();
  const caddyfile = file("Caddyfile", `{\n\tadmin off\n\tauto_https off\n}\nhttp://127.0.0.1:${caddyPort} {\n\tbind 127.0.0.1\n\troot * ${www}\n\tfile_server\n}\n`);
  const caddy: Contender = {
    name: "caddy file_server",
    path: "/ten-kb.html",
    start: () => startServer("taskset", ["-c", SERVER_CPU, "caddy", "run", "--config", caddyfile, "--adapter", "caddyfile"], /(serving initial configuration)/, { url: `http://127.0.0.1:${caddyPort}`, env: { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } }),
  };
  const bare: Contender = {
    name: "bare node:http",
    path: "/",
    start: () => startServer("taskset", ["-c", SERVER_CPU, process.execPath, bareServer], /listening on (http:\S+)/),
  };
  const respond = { handler: "respond", body: "Hello from Loom\n" };

  log(`node ${process.version}, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s on core ${WRK_CPU}, servers on core ${SERVER_CPU}, ${ROUNDS} rounds, medians`);
  log("fixed body:");
  const fixed = await measure([
    bare,
    gateway("gateway respond", { routes: [{ handle: respond }] }),
    gateway("gateway respond, access log", { logging: { access: true }, routes: [{ handle: respond }] }),
  ]);
  log("10 KB static file:");
  const files = await measure([
    caddy,
    gateway("gateway static", { routes: [{ handle: { handler: "static", root: www } }] }, "/ten-kb.html"),
    gateway("gateway static, access log", { logging: { access: true }, routes: [{ handle: { handler: "static", root: www } }] }, "/ten-kb.html"),
  ]);

  const rows = [
    { name: "gateway respond / bare node:http", ratio: roundRatio(fixed, "gateway respond", "bare node:http"), goal: 0.85 },
    { name: "  (access log on)", ratio: roundRatio(fixed, "gateway respond, access log", "bare node:http"), goal: 0.85 },
    { name: "gateway static / caddy file_server", ratio: roundRatio(files, "gateway static", "caddy file_server"), goal: 1.0 },
    { name: "  (access log on)", ratio: roundRatio(files, "gateway static, access log", "caddy file_server"), goal: 1.0 },
  ];
  const medians = Object.fromEntries(
    [...fixed, ...files].map(([name, rounds]) => [name, Math.round(median(rounds.flat().map((r) => r.requestsPerSecond)))]),
  );
  const p99 = Object.fromEntries([...fixed, ...files].map(([name, rounds]) => [name, median(rounds.flat().map((r) => r.latencyP99Ms))]));
  if (json) return { node: process.version, seconds: SECONDS, rounds: ROUNDS, requestsPerSecond: medians, p99Ms: p99, ratios: rows };
  process.stdout.write("\nmedian requests/s (p99 latency)\n");
  for (const [name, value] of Object.entries(medians)) process.stdout.write(`  ${name.padEnd(32)} ${String(value).padStart(7)}  (${p99[name]!.toFixed(2)} ms)\n`);
  process.stdout.write("\nratios, median of per-round ratios (goal)\n");
  for (const row of rows) process.stdout.write(`  ${row.name.padEnd(36)} ${row.ratio.toFixed(2)}×  (≥ ${row.goal}×) ${row.ratio >= row.goal ? "met" : "NOT met"}\n`);
  return {};
}

try {
  const report: Record<string, unknown> = { node: process.version };
  if (only === undefined || only === "http") Object.assign(report, await main());
  if (only === undefined || only === "plugin") {
    const repo = fileURLToPath(new URL("../../..", import.meta.url));
    ensureTools(["wrk"], log);
    const plugin = await benchPluginPlacement({ repo, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, serverCpu: SERVER_CPU, wrkCpu: WRK_CPU, log });
    if (!json) process.stdout.write(formatPluginPlacementBench(plugin));
    report.plugin = plugin;
  }
  if (only === undefined || only === "composer") {
    const repo = fileURLToPath(new URL("../../..", import.meta.url));
    const composer = benchComposer({ repo, rounds: COMPOSER_ROUNDS, buildRounds: BUILD_ROUNDS, log });
    if (!json) process.stdout.write(formatComposerBench(composer));
    report.composer = composer;
  }
  if (only === undefined || only === "ipc") {
    const repo = fileURLToPath(new URL("../../..", import.meta.url));
    const ipc = await benchIpc({ repo, dir, rounds: IPC_ROUNDS, loopMs: IPC_LOOP_MS, startRounds: 8, log });
    if (!json) process.stdout.write(formatIpcBench(ipc));
    report.ipc = ipc;
  }
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}

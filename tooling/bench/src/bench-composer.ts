import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPluginWorkspace } from "./create-plugin-workspace.ts";
import { timeCommand, timePair, timeRepeated } from "./time-command.ts";

export interface ComposerRow {
  name: string;
  /** Seconds, or a ratio for rows whose unit is "x". */
  value: number;
  unit: "s" | "x";
  /** The goal (at most); absent for rows shown for reference. */
  goal?: number;
  note?: string;
}

export interface ComposerBench {
  plugins: number;
  rows: ComposerRow[];
  bytes: { executable: number; node: number; bundle: number };
}

const PLUGINS = 50;
const IN_EXECUTABLE = 20;

/**
 * The composer's speed on a generated workspace of 50 one-module plugins, with the loom CLI run as
 * `pnpm loom` runs it (plain Node, the bundled CLI), but without pnpm's own start-up:
 *   - compose all 50 into a bundle, and 20 into a single executable, each from a clean cache;
 *   - rebuild the executable with nothing changed, against `node -e 0` in the same rounds;
 *   - the executable's `version` against `node -e 0` (and `list-modules`, which loads every plugin);
 *   - the executable's size.
 */
export function benchComposer(options: { repo: string; rounds: number; buildRounds: number; log: (line: string) => void }): ComposerBench {
  const { repo, log } = options;
  const node = process.execPath;
  const loom = join(repo, "tooling/composer/bin/loom.mjs");
  const loomSources = join(repo, "tooling/composer/src/main.ts");
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const postject = createRequire(join(repo, "tooling/composer/package.json")).resolve("postject/dist/cli.js");
  const out = mkdtempSync(join(tmpdir(), "loom-bench-composer-"));
  const workspace = createPluginWorkspace(repo, "bench-workspace", PLUGINS);
  const bundleManifest = workspace.manifest("bench-compose-50", PLUGINS, "bundle");
  const exeManifest = workspace.manifest("bench-compose-20", IN_EXECUTABLE, "executable");
  const cacheOf = (name: string) => join(repo, ".loom-cache", name);
  const clean = (name: string, dir: string) => () => {
    rmSync(cacheOf(name), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  const build = (manifest: string, dir: string) => () => timeCommand(node, [loom, "build", manifest, "--out", dir], { cwd: repo });
  try {
    timeCommand(node, [loom, "help"], { cwd: repo }); // bundles the CLI if its sources changed
    const bundleOut = join(out, "bundle");
    const exeOut = join(out, "exe");
    log(`composer: ${PLUGINS} generated plugins in ${workspace.dir}`);
    const bundleMs = timeRepeated(build(bundleManifest, bundleOut), options.buildRounds, clean("bench-compose-50", bundleOut));
    log(`  compose ${PLUGINS} -> bundle: ${(bundleMs / 1000).toFixed(2)} s`);
    const exeMs = timeRepeated(build(exeManifest, exeOut), options.buildRounds, clean("bench-compose-20", exeOut));
    log(`  compose ${IN_EXECUTABLE} -> executable: ${(exeMs / 1000).toFixed(2)} s`);

    const exe = join(exeOut, "gateway");
    const modules = JSON.parse(execFileSync(exe, ["list-modules", "--json"], { encoding: "utf8" })) as { id: string }[];
    if (modules.filter((m) => m.id.startsWith("http.handlers.greet_")).length !== IN_EXECUTABLE) throw new Error(`${exe} does not list ${IN_EXECUTABLE} plugins' modules`);

    const nodeStart = () => timeCommand(node, ["-e", "0"]);
    const unchanged = timePair(build(exeManifest, exeOut), nodeStart, options.rounds);
    log(`  unchanged rebuild: ${(unchanged.ms / 1000).toFixed(3)} s (node -e 0: ${(unchanged.baselineMs / 1000).toFixed(3)} s)`);
    const fromSources = timeRepeated(() => timeCommand(node, [tsx, loomSources, "build", exeManifest, "--out", exeOut], { cwd: repo }), Math.min(options.rounds, 5));
    const version = timePair(() => timeCommand(exe, ["version"]), nodeStart, options.rounds);
    log(`  version: ${(version.ms / 1000).toFixed(3)} s (node -e 0: ${(version.baselineMs / 1000).toFixed(3)} s)`);
    const listModules = timePair(() => timeCommand(exe, ["list-modules"]), nodeStart, Math.min(options.rounds, 8));
    // What a build no longer pays: postject on a copy of Node, as each build ran it before (now once per
    // Node binary and blob size class, to make the template that builds copy; inject-sea-blob.ts).
    const copy = join(out, "node-copy");
    copyFileSync(node, copy);
    writeFileSync(join(out, "zeros.blob"), Buffer.alloc(1024 * 1024));
    const postjectMs = timeCommand(node, [postject, copy, "NODE_SEA_BLOB", join(out, "zeros.blob"), "--sentinel-fuse", "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2"]);

    const seconds = (ms: number) => ms / 1000;
    return {
      plugins: PLUGINS,
      rows: [
        { name: `compose ${PLUGINS} plugins -> bundle, clean`, value: seconds(bundleMs), unit: "s", goal: 1.5 },
        { name: `compose ${IN_EXECUTABLE} plugins -> executable, clean`, value: seconds(exeMs), unit: "s", goal: 5 },
        { name: "unchanged rebuild (loom CLI, plain Node)", value: seconds(unchanged.ms), unit: "s", goal: 0.3, note: `${unchanged.ratio.toFixed(2)}x node -e 0 (${seconds(unchanged.baselineMs).toFixed(3)} s)` },
        { name: "  the same from sources (tsx, loom:dev)", value: seconds(fromSources), unit: "s" },
        { name: "executable `version` / node -e 0", value: version.ratio, unit: "x", goal: 1.5, note: `${seconds(version.ms).toFixed(3)} s vs ${seconds(version.baselineMs).toFixed(3)} s` },
        { name: "  `list-modules` / node -e 0 (loads every plugin)", value: listModules.ratio, unit: "x", note: `${seconds(listModules.ms).toFixed(3)} s` },
        { name: "postject on a copy of Node (once per Node binary now)", value: seconds(postjectMs), unit: "s" },
      ],
      bytes: { executable: statSync(exe).size, node: statSync(node).size, bundle: statSync(join(cacheOf("bench-compose-20"), "gateway.cjs")).size },
    };
  } finally {
    workspace.remove();
    clean("bench-compose-50", out)();
    clean("bench-compose-20", out)();
  }
}

/** The composer's results as text: each row against its goal. */
export function formatComposerBench(result: ComposerBench): string {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const lines = [`\ncomposer, ${result.plugins} generated one-module plugins: median of rounds (goal)`];
  for (const row of result.rows) {
    const value = row.unit === "s" ? `${row.value.toFixed(row.value < 1 ? 3 : 2)} s` : `${row.value.toFixed(2)}×`;
    const goal = row.goal === undefined ? "" : `  (≤ ${row.goal}${row.unit === "s" ? " s" : "×"}) ${row.value <= row.goal ? "met" : "NOT met"}`;
    lines.push(`  ${row.name.padEnd(52)} ${value.padStart(8)}${goal}${row.note ? `  ${row.note}` : ""}`);
  }
  const { executable, node, bundle } = result.bytes;
  lines.push(`  ${"executable size".padEnd(52)} ${mib(executable).padStart(8)}  (node binary ${mib(node)}, SEA blob ${((executable - node) / 1024).toFixed(0)} KiB; bundle ${(bundle / 1024).toFixed(0)} KiB)`);
  return lines.join("\n") + "\n";
}

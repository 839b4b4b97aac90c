import { parseArgs } from "node:util";
import { dirname, relative } from "node:path";
import { ErrorCode, isLoomError, LoomError } from "@loom/protocol";
import * as z from "zod";
import { buildDistribution } from "./build-distribution.ts";
import { checkDistribution } from "./check-distribution.ts";
import { findDistributions } from "./find-distributions.ts";
import { findWorkspaceRoot, listWorkspacePackages } from "./find-workspace.ts";
import { listPlugins } from "./list-plugins.ts";
import { NO_PROGRESS } from "./build-progress.ts";
import { createProgressReporter } from "./progress-reporter.ts";

const ArgsSchema = z.object({
  manifests: z.array(z.string()),
  all: z.boolean().default(false),
  out: z.string().optional(),
  registry: z.string().min(1, "--registry takes a URL, e.g. http://127.0.0.1:4873/").optional(),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
  with: z.array(z.string()).default([]),
  replace: z
    .array(z.string().regex(/^[^=]+=.+$/, "--replace takes name=path"))
    .default([])
    .transform((pairs) => Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]))),
});

const HELP = `loom: compose distributions of a Loom host.

Usage:
  loom build <manifest>... | --all [--out <dir>] [--with <plugin>]... [--replace <name>=<path>]... [--registry <url>] [--json]
  loom check <manifest>... | --all [--with <plugin>]... [--replace <name>=<path>]... [--registry <url>] [--json]
  loom list [--json]          the workspace's plugins and the modules each provides
  loom help

  --quiet, -q        build and check: only errors on stderr (no steps, no summary lines)
  --registry <url>   the npm registry for registry plugins and pinned Node runtimes; default:
                     $LOOM_REGISTRY, else npm's registry setting, else https://registry.npmjs.org/
`;

export interface LoomIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: build steps are then shown as they run, with their times. */
  errIsTTY?: boolean;
}

function parse(command: string, rest: string[]) {
  let parsed: unknown;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        out: { type: "string" },
        registry: { type: "string" },
        json: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        all: { type: "boolean" },
        with: { type: "string", multiple: true },
        replace: { type: "string", multiple: true },
      },
      allowPositionals: true,
      strict: true,
    });
    parsed = { ...values, manifests: positionals };
  } catch (error) {
    throw new LoomError(ErrorCode.USAGE, `${command}: ${(error as Error).message}`);
  }
  const args = ArgsSchema.safeParse(parsed);
  if (!args.success) throw new LoomError(ErrorCode.USAGE, `${command}: ${args.error.issues.map((i) => i.message).join("; ")}`);
  return args.data;
}

/** The manifests a command works on: the ones named, or with --all every host's distributions. */
async function manifestsOf(command: string, args: z.output<typeof ArgsSchema>): Promise<string[]> {
  if (args.all) return findDistributions(await listWorkspacePackages(findWorkspaceRoot(process.cwd())));
  if (args.manifests.length === 0) throw new LoomError(ErrorCode.USAGE, `${command}: name at least one manifest file, or --all`);
  return args.manifests;
}

/** The loom CLI; resolves with the exit code. Errors become messages; a bug prints its stack. */
export async function runLoom(argv: string[], io: LoomIo): Promise<number> {
  const [command, ...rest] = argv;
  const reporter = createProgressReporter({ write: (text) => io.err(text), isTTY: io.errIsTTY === true });
  try {
    if (command === undefined || command === "help" || command === "--help") {
      io.out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === "list") {
      const { json } = parse(command, rest);
      const plugins = await listPlugins(await listWorkspacePackages(findWorkspaceRoot(process.cwd())));
      if (json) io.out(JSON.stringify(plugins.map(({ dir: _dir, ...p }) => p), null, 2) + "\n");
      else for (const p of plugins) io.out(`${p.name}@${p.version}\n${p.modules.map((m) => `  ${m.id}${m.description ? `  ${m.description}` : ""}\n`).join("")}`);
      return 0;
    }
    if (command !== "build" && command !== "check") throw new LoomError(ErrorCode.USAGE, `unknown command "${command}"\n\n${HELP}`);
    const args = parse(command, rest);
    const overrides = { with: args.with, replace: args.replace };
    const quiet = args.json || args.quiet;
    const progress = quiet ? NO_PROGRESS : reporter;
    const results = [];
    for (const manifest of await manifestsOf(command, args)) {
      const started = performance.now();
      if (command === "check") {
        const checked = await checkDistribution(manifest, { ...overrides, ...(args.registry ? { registry: args.registry } : {}) });
        results.push({ manifest, distribution: checked.name, ok: true, plugins: checked.plugins.map((p) => p.name) });
        if (!quiet) io.err(`ok ${manifest}: ${checked.plugins.length} plugin(s)\n`);
        continue;
      }
      const result = await buildDistribution(manifest, { ...overrides, progress, ...(args.out ? { outDir: args.out } : {}), ...(args.registry ? { registry: args.registry } : {}) });
      results.push(result);
      const verb = result.cached ? "unchanged" : "built";
      const folders = result.pluginFolders.map((folder) => ` + ${relative(dirname(result.output), folder)}`).join("");
      if (!quiet) reporter.summary(verb, `${result.distribution} -> ${result.output}${folders} (${(result.bytes / 1024).toFixed(0)} KiB, ${Math.round(performance.now() - started)} ms)`);
    }
    if (args.json) io.out(JSON.stringify(results, null, 2) + "\n");
    return 0;
  } catch (error) {
    reporter.fail();
    if (isLoomError(error)) {
      io.err(`error: ${error.message}\n`);
      return error.code === ErrorCode.USAGE ? 2 : 1;
    }
    io.err(`error: this is a bug in loom, please report it:\n${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}

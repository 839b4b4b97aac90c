#!/usr/bin/env -S node --import tsx
/**
 * The gateway from sources (via tsx), for development and tests: `--plugin <folder>` (repeatable) picks
 * plugin packages; `--distribution <name or file>` takes the plugins of a distribution manifest (a name
 * means distributions/<name>.json); without either, those of distributions/default.json.
 * A composed distribution replaces this file with a generated entry that registers plugins explicitly.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isLoomError } from "@loom/protocol";
import { findWorkspacePlugins } from "./dev/find-workspace-plugins.ts";
import { loadPluginFolder } from "./dev/load-plugin-folder.ts";
import { main } from "./main.ts";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);

/** Removes every `flag value` pair from argv and returns the values. */
function takeFlag(flag: string, what: string): string[] {
  const values: string[] = [];
  for (let i = argv.indexOf(flag); i !== -1; i = argv.indexOf(flag)) {
    const value = argv[i + 1];
    if (!value || value.startsWith("--")) {
      process.stderr.write(`error: ${flag} needs ${what}\n`);
      process.exit(2);
    }
    values.push(value);
    argv.splice(i, 2);
  }
  return values;
}

const folders = takeFlag("--plugin", "a plugin package folder").map((folder) => resolve(folder));
const [distribution = "default"] = takeFlag("--distribution", "a distribution name or manifest file");
const manifest = /[./]/.test(distribution) ? resolve(distribution) : join(here, "../distributions", `${distribution}.json`);

try {
  const dirs = folders.length > 0 ? folders : await findWorkspacePlugins(join(here, "../../.."), manifest);
  // Loaded up front (not on first use, as a composed build does), so a broken plugin fails here with its stack.
  const plugins = await Promise.all(dirs.map(loadPluginFolder));
  await main({ loadPlugins: async () => plugins }, argv);
} catch (error) {
  process.stderr.write(`error: ${isLoomError(error) ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
}

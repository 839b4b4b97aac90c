#!/usr/bin/env -S node --import tsx
/**
 * The gateway from sources (via tsx), for development and tests: `--plugin <folder>` (repeatable) picks
 * plugin packages; without it, the plugins of distributions/default.json are loaded from the workspace.
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
const folders: string[] = [];
for (let i = argv.indexOf("--plugin"); i !== -1; i = argv.indexOf("--plugin")) {
  const folder = argv[i + 1];
  if (!folder || folder.startsWith("--")) {
    process.stderr.write("error: --plugin needs a plugin package folder\n");
    process.exit(2);
  }
  folders.push(resolve(folder));
  argv.splice(i, 2);
}

try {
  const dirs = folders.length > 0 ? folders : await findWorkspacePlugins(join(here, "../../.."), join(here, "../distributions/default.json"));
  const plugins = await Promise.all(dirs.map(loadPluginFolder));
  await main({ plugins }, argv);
} catch (error) {
  process.stderr.write(`error: ${isLoomError(error) ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
}

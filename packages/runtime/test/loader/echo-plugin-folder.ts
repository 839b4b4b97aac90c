import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineNamespace } from "@loom/sdk";
import type { Logger, ModuleContext } from "@loom/sdk";
import { createPluginLoader, createRegistry, sha256Integrity } from "../../src/index.ts";
import type { PluginLoader } from "../../src/index.ts";
import { fixture } from "../subprocess/helpers.ts";

/** The plugin name of the echo fixture, as its plugin.json says (and as `plugins.limits` keys it). */
export const ECHO_PLUGIN = "echo-plugin";

/** A config naming `test.echo.main`: the loader starts the echo plugin for it. */
export const ECHO_CONFIG = { echo: "main" };

const FILES = ["echo-plugin.mjs", "plugin-kit.mjs"];

/**
 * A plugin dir at `<root>/<name>` holding the echo fixture plugin (run by this Node) with a plugin.json
 * whose `subprocess` is test-sized and then `subprocess`. Returns the plugin dir.
 */
export function echoPluginDir(root: string, name: string, subprocess: Record<string, unknown> = {}): string {
  const dir = join(root, name);
  const folder = join(dir, "echo");
  mkdirSync(folder, { recursive: true });
  for (const file of FILES) copyFileSync(fixture(file), join(folder, file));
  const manifest = {
    name: ECHO_PLUGIN,
    version: "1.2.3",
    command: process.execPath,
    args: ["./echo-plugin.mjs"],
    protocolVersions: [1],
    modules: ["test.echo.main", "http.handlers.echo", "http.handlers.liar"],
    files: Object.fromEntries(FILES.map((file) => [file, sha256Integrity(readFileSync(join(folder, file)))])),
    subprocess: { healthIntervalMs: 0, shutdownTimeoutMs: 2_000, killGraceMs: 500, ...subprocess },
  };
  writeFileSync(join(folder, "plugin.json"), JSON.stringify(manifest, null, 2));
  return dir;
}

/** `test.echo`: a namespace with no required methods, so the echo fixture's main module can be loaded. */
const testEcho = defineNamespace<Record<string, unknown>>({
  id: "test.echo",
  inlineKey: "echo",
  description: "Test modules.",
  methods: [],
  guard: (instance) => instance,
});

export function newEchoLoader(logger: Logger): PluginLoader {
  return createPluginLoader({ registry: createRegistry({ namespaces: [testEcho] }), logger });
}

export type EchoInstance = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** An instance of `test.echo.main` from the loader's registry (the remote proxy the assembly would use). */
export async function createEcho(loader: PluginLoader, logger: Logger): Promise<EchoInstance> {
  const module = loader.registry.get("test.echo.main");
  if (!module) throw new Error("test.echo.main is not in the loader's registry");
  const context = { id: module.id, path: "echo", logger, signal: new AbortController().signal } as unknown as ModuleContext;
  return (await module.definition.create({}, context)) as EchoInstance;
}

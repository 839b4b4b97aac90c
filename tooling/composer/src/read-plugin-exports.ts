import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { Message } from "esbuild";
import { esbuildBase } from "./esbuild-base.ts";

/** A plugin entry's `plugin` export (undefined when it has none), or why the entry could not be loaded. */
export type PluginExport = { plugin: unknown } | { error: string };

function describe(error: unknown): string {
  const errors = (error as { errors?: Message[] }).errors ?? [];
  if (errors.length === 0) return (error as Error)?.message ?? String(error);
  return errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join("; ");
}

async function bundleAndImport(entries: readonly string[], root: string): Promise<PluginExport[]> {
  const contents = `export const loaded = await Promise.allSettled([\n${entries.map((entry) => `  import(${JSON.stringify(entry)}),`).join("\n")}\n]);\n`;
  const { outputFiles } = await build({
    ...esbuildBase(root),
    // ES modules: a plugin's top-level await and createRequire(import.meta.url) work here (the bundle
    // refuses them later, with better messages); `import()` keeps one plugin's failure its own.
    format: "esm",
    // Without hostPackagesPlugin: it sends every @loom/sdk import through JavaScript (~0.15 s for 50
    // plugins), and any copy of the SDK reads a plugin's modules alike; the bundle step still applies it.
    plugins: [],
    stdin: { contents, resolveDir: root, sourcefile: "plugin-exports.mjs", loader: "js" },
    write: false,
    loader: { ".node": "empty" },
    banner: { js: 'import { createRequire as __loomCreateRequire } from "node:module"; const require = __loomCreateRequire(import.meta.url);' },
  });
  const dir = await mkdtemp(join(tmpdir(), "loom-plugins-"));
  try {
    const file = join(dir, "plugin-exports.mjs");
    await writeFile(file, outputFiles![0]!.contents);
    const { loaded } = (await import(pathToFileURL(file).href)) as { loaded: PromiseSettledResult<{ plugin?: unknown }>[] };
    return loaded.map((result) => (result.status === "fulfilled" ? { plugin: result.value.plugin } : { error: describe(result.reason) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads the `plugin` export of each plugin entry at compose time, the way a build sees it: esbuild bundles
 * all of them (and what they import, @loom/sdk included) into one ES module, imported once. For 50
 * workspace plugins that is ~0.5 s, where importing each TypeScript source through tsx's loader took
 * ~0.9 s; and the composer needs no TypeScript loader, so it runs as plain JavaScript. An entry that
 * cannot be bundled is then read on its own, so that it does not hide the others.
 */
export async function readPluginExports(entries: readonly string[], root: string): Promise<PluginExport[]> {
  if (entries.length === 0) return [];
  try {
    return await bundleAndImport(entries, root);
  } catch (error) {
    if (entries.length === 1) return [{ error: describe(error) }];
    return Promise.all(entries.map(async (entry) => (await readPluginExports([entry], root))[0]!));
  }
}

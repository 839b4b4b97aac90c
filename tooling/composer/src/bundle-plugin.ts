import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { build } from "esbuild";
import type { Message, Plugin } from "esbuild";
import { ErrorCode, LoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import { esbuildBase } from "./esbuild-base.ts";
import { findDuplicateCopies } from "./find-duplicate-copies.ts";
import { generatePluginEntry } from "./generate-plugin-entry.ts";
import { registryCacheDir } from "./host-packages-plugin.ts";
import { pluginIntegrity } from "./plugin-integrity.ts";
import type { ResolvedPlugin } from "./resolve-distribution.ts";

/** One plugin run out of process, bundled: what its folder under `<output>/plugins.d/` is made of. */
export interface PluginBundle {
  plugin: ResolvedPlugin;
  /** Its folder's name under plugins.d/ (pluginFolderNames). */
  folder: string;
  /** The generated entry, under `<root>/.loom-cache/<distribution>/plugins/<folder>/`. */
  entry: string;
  /** The text of plugin.code.cjs (plugin.cjs starts it with a code cache). */
  code: string;
  /** Every file in the bundle, relative to the root. */
  inputs: string[];
  /** sha256 over the plugin's own bundled files, as build-info reports it. */
  integrity: string;
}

const HINT = "a plugin run out of process is bundled too, into one CommonJS file (plugin.code.cjs): change the code, or ship the plugin as a plugin folder with its own files (plugin.json, docs/protocol.md)";

/** `@loom/sdk/serve` from the generated entry, resolved as if the plugin's entry imported it (a registry plugin then gets the host's SDK, like its own imports). */
function serveFromPlugin(entry: string, plugin: ResolvedPlugin): Plugin {
  return {
    name: "loom-serve-from-plugin",
    setup(build) {
      build.onResolve({ filter: /^@loom\/sdk\/serve$/ }, async (args) => {
        if (args.importer !== entry) return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: dirname(plugin.entry), importer: plugin.entry });
        if (found.errors.length > 0) {
          return { errors: [{ text: `cannot resolve @loom/sdk/serve from ${plugin.dir}: install @loom/sdk (the plugin's peer dependency) where its entry can import it` }] };
        }
        return { path: found.path, namespace: found.namespace, sideEffects: found.sideEffects };
      });
    },
  };
}

/**
 * Bundles one plugin with placement subprocess or exec into a CommonJS file of its own: same esbuild
 * settings as the host's bundle (esbuildBase), a generated entry that serves its `plugin` export, its own
 * copy of the SDK (one copy within this bundle: findDuplicateCopies). Throws one LoomError listing every
 * problem, each naming the plugin.
 */
export async function bundlePlugin(plugin: ResolvedPlugin, folder: string, options: { root: string; entryDir: string; distribution: string }): Promise<PluginBundle> {
  const { root } = options;
  const entryDir = join(options.entryDir, "plugins", folder);
  await mkdir(entryDir, { recursive: true });
  const entry = join(entryDir, "entry.ts");
  await writeFile(entry, generatePluginEntry(options.distribution, plugin, entryDir));
  const fromRegistry = plugin.dir.startsWith(registryCacheDir(root) + sep);
  const base = esbuildBase(root, { registryPlugins: fromRegistry });
  const refuse = (problems: Diagnostic[]) =>
    LoomError.fromDiagnostics(ErrorCode.MODULE_DEFINITION_INVALID, `${plugin.name} cannot be bundled to run out of process:`, problems);
  let result;
  try {
    result = await build({ ...base, plugins: [serveFromPlugin(entry, plugin), ...(base.plugins ?? [])], entryPoints: [entry], write: false, metafile: true });
  } catch (error) {
    const errors: Message[] = (error as { errors?: Message[] }).errors ?? [];
    const problems = errors.map((e): Diagnostic => ({
      code: ErrorCode.MODULE_DEFINITION_INVALID,
      plugin: plugin.name,
      message: e.text,
      hint: HINT,
      ...(e.location ? { file: resolve(root, e.location.file), line: e.location.line } : {}),
    }));
    throw refuse(problems.length > 0 ? problems : [{ code: ErrorCode.INTERNAL, plugin: plugin.name, message: (error as Error).message }]);
  }
  const duplicates = findDuplicateCopies(result.metafile, root).map((d) => ({ ...d, plugin: plugin.name }));
  if (duplicates.length > 0) throw refuse(duplicates);
  const inputs = Object.keys(result.metafile.inputs);
  const integrity = await pluginIntegrity(plugin.dir, inputs.map((input) => resolve(root, input)));
  return { plugin, folder, entry, code: result.outputFiles[0]?.text ?? "", inputs, integrity };
}

import { readFile } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { build } from "esbuild";
import type { Message, Metafile } from "esbuild";
import { ErrorCode, LoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import { esbuildBase } from "./esbuild-base.ts";
import { findDuplicateCopies } from "./find-duplicate-copies.ts";
import { registryCacheDir } from "./host-packages-plugin.ts";
import type { ResolvedPlugin } from "./resolve-distribution.ts";

const HINT = 'this code cannot be bundled, in the host or out of process (placement "subprocess" bundles too): change the code, or ship the plugin as a plugin folder with its own files (plugin.json, docs/protocol.md)';
const WORKERS = new Set(["worker_threads", "node:worker_threads"]);
/** `require(x)` or `createRequire(…)`: a require esbuild cannot follow. */
const DYNAMIC_REQUIRE = /\b(?:require\s*\(\s*(?!["'`])|createRequire\s*\()/;

/** An esbuild failure as one LoomError listing esbuild's errors with file and line. */
export function bundlingFailure(entry: string, error: unknown): LoomError {
  const errors = (error as { errors?: Message[] }).errors ?? [];
  return LoomError.fromDiagnostics(
    ErrorCode.INTERNAL,
    `bundling ${entry} failed:`,
    errors.length > 0
      ? errors.map((e) => ({ code: ErrorCode.INTERNAL, message: e.text, ...(e.location ? { file: e.location.file, line: e.location.line } : {}) }))
      : [{ code: ErrorCode.INTERNAL, message: (error as Error).message }],
  );
}

/**
 * Bundles the entry in memory to learn its inputs, and turns what cannot live in a single CommonJS
 * bundle into diagnostics named by plugin, file and line: native `.node` addons, non-literal
 * `require`, `worker_threads`, top-level await. Every hazard is reported at once. Returns the inputs and
 * the CommonJS bundle itself, which the build reuses instead of bundling a second time.
 */
export async function probeBundle(entry: string, root: string, plugins: readonly ResolvedPlugin[]): Promise<{ metafile: Metafile; code: string }> {
  const owner = (file: string | undefined) => {
    if (!file) return undefined;
    const absolute = resolve(root, file);
    return plugins.find((p) => absolute.startsWith(p.dir + sep));
  };
  const toDiagnostic = (message: Message): Diagnostic | undefined => {
    const plugin = owner(message.location?.file);
    if (!plugin) return undefined;
    const where = message.location!;
    return { code: ErrorCode.MODULE_DEFINITION_INVALID, plugin: plugin.name, file: resolve(root, where.file), line: where.line, message: message.text, hint: HINT };
  };
  const cache = registryCacheDir(root) + sep;
  const base = esbuildBase(root, { registryPlugins: plugins.some((p) => p.dir.startsWith(cache)) });
  let metafile: Metafile | undefined;
  let code = "";
  let warnings: Message[];
  let errors: Message[] = [];
  try {
    const result = await build({ ...base, entryPoints: [entry], write: false, metafile: true });
    metafile = result.metafile;
    code = result.outputFiles[0]?.text ?? "";
    warnings = result.warnings;
  } catch (error) {
    errors = (error as { errors?: Message[] }).errors ?? [];
    warnings = (error as { warnings?: Message[] }).warnings ?? [];
    if (!errors.some((e) => owner(e.location?.file))) throw bundlingFailure(entry, error);
    // Learn the imports anyway (ESM allows what CommonJS refused), so every hazard shows at once.
    metafile = await build({ ...base, format: "esm", entryPoints: [entry], write: false, metafile: true, loader: { ".node": "empty" } })
      .then((r) => r.metafile)
      .catch(() => undefined);
  }
  const hazards = [...errors, ...warnings.filter((w) => /require/.test(w.text))]
    .map(toDiagnostic)
    .filter((d): d is Diagnostic => d !== undefined);
  for (const [file, input] of Object.entries(metafile?.inputs ?? {})) {
    const plugin = owner(file);
    // A plugin's own files only, not its dependencies' (a registry plugin itself lives in node_modules).
    if (!plugin || relative(plugin.dir, resolve(root, file)).split(sep).includes("node_modules")) continue;
    const lines = (await readFile(resolve(root, file), "utf8")).split("\n");
    lines.forEach((text, index) => {
      const found = DYNAMIC_REQUIRE.exec(text);
      if (found) {
        hazards.push({ code: ErrorCode.MODULE_DEFINITION_INVALID, plugin: plugin.name, file: resolve(root, file), line: index + 1, message: `${found[0].trim()}…: a require whose argument is not a string literal is not bundled, and inside an executable it reaches only Node's built-ins`, hint: HINT });
      }
    });
    for (const imported of input.imports) {
      if (WORKERS.has(imported.path)) {
        hazards.push({ code: ErrorCode.MODULE_DEFINITION_INVALID, plugin: plugin.name, file: resolve(root, file), message: `imports ${imported.path}: worker threads need files of their own, which a single bundle does not have`, hint: HINT });
      }
    }
  }
  if (metafile) hazards.push(...findDuplicateCopies(metafile, root));
  if (hazards.length > 0 || !metafile) throw LoomError.fromDiagnostics(ErrorCode.MODULE_DEFINITION_INVALID, "plugins that cannot be bundled:", hazards);
  return { metafile, code };
}

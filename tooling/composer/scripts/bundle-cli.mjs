// Bundles the loom CLI (src/main.ts) into dist/loom.mjs (and dist/chunks/, loaded on first use), so
// `pnpm loom` runs plain JavaScript: no tsx start-up (~0.5 s) before an unchanged rebuild that itself takes
// a few milliseconds. Plain JavaScript on purpose: it runs before anything can compile TypeScript
// (scripts/setup.sh, the bin/loom.mjs launcher). `node scripts/bundle-cli.mjs` or `pnpm build`.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const composer = fileURLToPath(new URL("..", import.meta.url));
const DIST = resolve(composer, "dist");
export const OUTFILE = join(DIST, "loom.mjs");
/** The sources the bundle was made from (no node_modules: the lockfile stands for those). */
export const INPUTS_FILE = join(DIST, "loom.inputs.json");
const CHUNKS = join(DIST, "chunks");
/** Chunks of earlier bundles are removed once this old: a loom started before may still import them. */
const OLD_CHUNK_MS = 60 * 60 * 1000;

/**
 * Packages left out of the bundle, imported from tooling/composer/node_modules at run time: esbuild (its
 * JS API drives a native binary next to it) and postject (run as a child by its file path). Everything
 * else, @loom/protocol's sources included, is bundled.
 */
const EXTERNAL = ["esbuild", "postject"];

/**
 * `import { build } from "esbuild"` made lazy: loading esbuild's API costs ~90 ms, which an unchanged
 * rebuild (answered from the build stamp, no bundling) should not pay. Its asynchronous functions are
 * forwarded to the real package, required on the first call (require: Node would otherwise scan the
 * CommonJS file for its export names); importing anything else fails the bundle.
 */
const lazyEsbuild = {
  name: "lazy-esbuild",
  setup(build) {
    build.onResolve({ filter: /^esbuild$/ }, (args) => (args.pluginData === "real" ? { path: "esbuild", external: true } : { path: "esbuild", namespace: "lazy-esbuild" }));
    build.onLoad({ filter: /.*/, namespace: "lazy-esbuild" }, () => ({
      resolveDir: composer,
      pluginData: "real",
      contents: ["build", "context", "transform", "formatMessages", "analyzeMetafile"]
        .map((name) => `export const ${name} = async (...args) => require("esbuild").${name}(...args);`)
        .join("\n"),
    }));
  },
};

/**
 * zod's translations of its messages (a third of zod, ~350 KB of source to compile at every start) left
 * out: `z` keeps its English default, and the composer never calls `z.locales`.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]zod[/\\]/.test(args.importer) ? { path: resolve(args.resolveDir, args.path), namespace: "zod-english-only" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      resolveDir: resolve(args.path, ".."),
      contents: 'export { default as en } from "./en.js";',
    }));
  },
};

export async function bundleCli() {
  const tmp = join(DIST, `.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: composer,
    entryPoints: { loom: "src/main.ts" },
    outdir: tmp,
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    // Code behind `import()` (YAML manifests' parser) goes into chunks that load only when used.
    splitting: true,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    external: EXTERNAL,
    // As in the distributions (docs/decisions.md 13): some packages' `main` is a UMD build with a dynamic require.
    mainFields: ["module", "main"],
    plugins: [lazyEsbuild, zodEnglishOnly],
    // CommonJS packages in the bundle (semver) may require Node built-ins.
    banner: { js: 'import { createRequire as __loomCreateRequire } from "node:module"; const require = __loomCreateRequire(import.meta.url);' },
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const root = resolve(composer, "../..");
  const inputs = Object.keys(result.metafile.inputs)
    .filter((file) => !file.includes("node_modules/") && !file.includes(":"))
    .map((file) => resolve(composer, file))
    .concat([resolve(root, "pnpm-lock.yaml"), resolve(composer, "package.json"), fileURLToPath(import.meta.url)])
    .filter((file) => existsSync(file));
  writeFileSync(join(tmp, basename(INPUTS_FILE)), JSON.stringify({ inputs }, null, 2) + "\n");

  // Chunks first (their names hold their hash), then the entry and its inputs, each renamed into place:
  // a `pnpm loom` running meanwhile sees the old bundle or the new one, never half of one.
  mkdirSync(CHUNKS, { recursive: true });
  const fresh = new Set(existsSync(join(tmp, "chunks")) ? readdirSync(join(tmp, "chunks")) : []);
  for (const chunk of fresh) renameSync(join(tmp, "chunks", chunk), join(CHUNKS, chunk));
  renameSync(join(tmp, "loom.mjs"), OUTFILE);
  renameSync(join(tmp, basename(INPUTS_FILE)), INPUTS_FILE);
  rmSync(tmp, { recursive: true, force: true });
  for (const chunk of readdirSync(CHUNKS)) {
    if (!fresh.has(chunk) && Date.now() - statSync(join(CHUNKS, chunk)).mtimeMs > OLD_CHUNK_MS) rmSync(join(CHUNKS, chunk), { force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await bundleCli();

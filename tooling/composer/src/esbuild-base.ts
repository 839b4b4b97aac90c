import type { BuildOptions } from "esbuild";
import { hostPackagesPlugin } from "./host-packages-plugin.ts";
import { zodEnglishOnlyPlugin } from "./zod-english-only-plugin.ts";

/**
 * The one esbuild configuration every distribution shares: a single CommonJS file for Node 20 (a Node
 * SEA main must be CommonJS), everything bundled, `module` preferred over `main` (some packages' `main`
 * is a UMD build with a dynamic require), no source maps or timestamps, so the same inputs give the
 * same bytes, zod with English messages only (zodEnglishOnlyPlugin). Registry plugins import `@loom/sdk` and `@loom/protocol` from the host (hostPackagesPlugin);
 * a build without them leaves that plugin out: it sends every such import through JavaScript, about
 * 0.1 s of a cold build, and a second copy is refused anyway (findDuplicateCopies).
 */
export function esbuildBase(workingDir: string, options: { registryPlugins?: boolean } = {}): BuildOptions {
  return {
    absWorkingDir: workingDir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    mainFields: ["module", "main"],
    conditions: ["node"],
    legalComments: "none",
    sourcemap: false,
    charset: "utf8",
    logLevel: "silent",
    plugins: options.registryPlugins === false ? [zodEnglishOnlyPlugin()] : [zodEnglishOnlyPlugin(), hostPackagesPlugin(workingDir)],
  };
}

import { join, sep } from "node:path";
import type { Plugin } from "esbuild";
import { SHARED_CACHE_FOLDERS } from "./cache-folders.ts";

/** The packages a plugin shares with its host: one copy in a build, always the host's. */
export const HOST_PACKAGES = ["@loom/sdk", "@loom/protocol"] as const;

const HOST_PACKAGE_IMPORT = /^@loom\/(sdk|protocol)(\/|$)/;
const SKIP = Symbol("host-packages-plugin");

/** Where registry plugins are installed: one folder per locked plugin set. */
export function registryCacheDir(root: string): string {
  return join(root, ".loom-cache", SHARED_CACHE_FOLDERS.registry);
}

/**
 * An esbuild plugin: a file installed from the registry (under `.loom-cache/registry/<key>/`) that
 * imports `@loom/sdk` or `@loom/protocol` gets the host's copy, the one the install folder links to,
 * never a copy npm nested deeper. A build that would still take a registry copy fails, naming it.
 */
export function hostPackagesPlugin(root: string): Plugin {
  const cache = registryCacheDir(root) + sep;
  return {
    name: "loom-host-packages",
    setup(build) {
      build.onResolve({ filter: HOST_PACKAGE_IMPORT }, async (args) => {
        if (args.pluginData === SKIP || !args.importer.startsWith(cache)) return undefined;
        const installDir = cache + args.importer.slice(cache.length).split(sep)[0];
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: installDir, importer: args.importer, pluginData: SKIP });
        if (found.errors.length > 0) return { errors: found.errors, warnings: found.warnings };
        if (found.path.startsWith(cache)) {
          return {
            errors: [
              {
                text: `${args.path} resolves to ${found.path}, a copy from the registry; a registry plugin must use the host's ${args.path.split("/").slice(0, 2).join("/")}`,
                detail: "declare @loom/sdk as a peerDependency of the plugin, not a dependency",
              },
            ],
          };
        }
        return { path: found.path, namespace: found.namespace, external: found.external, sideEffects: found.sideEffects, suffix: found.suffix };
      });
    },
  };
}

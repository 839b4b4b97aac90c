import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ErrorCode, LoomError } from "@loom/protocol";
import { z } from "zod";

/** The parts of a package.json the composer reads. */
export const PackageJsonSchema = z.looseObject({
  name: z.string(),
  version: z.string().default("0.0.0"),
  bin: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  exports: z.unknown().optional(),
  main: z.string().optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
  loom: z
    .looseObject({
      host: z.strictObject({
        entry: z.string().describe("The host's entry module, exporting main(build, argv)."),
        namespaces: z.array(z.string()).describe("The namespaces the host declares."),
        distributions: z.string().describe("The folder of the host's distribution manifests."),
      }),
    })
    .optional(),
});

export type PackageJson = z.infer<typeof PackageJsonSchema>;

export interface WorkspacePackage {
  dir: string;
  /** The workspace folder it sits in: apps, packages, plugins or tooling. */
  group: string;
  pkg: PackageJson;
}

const GROUPS = ["apps", "packages", "plugins", "tooling"];

/** The nearest folder at or above the first of `starts` that has one holding pnpm-workspace.yaml. */
export function findWorkspaceRoot(...starts: string[]): string {
  for (const from of starts) {
    for (let dir = from; ; dir = dirname(dir)) {
      if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new LoomError(ErrorCode.CONFIG_INVALID, `no pnpm workspace (pnpm-workspace.yaml) at or above ${starts.join(" or ")}`);
}

/** Reads and checks a package.json. */
export async function readPackageJson(dir: string): Promise<PackageJson> {
  return PackageJsonSchema.parse(JSON.parse(await readFile(join(dir, "package.json"), "utf8")));
}

/** Every workspace package by name (apps, packages, plugins, tooling). */
export async function listWorkspacePackages(root: string): Promise<Map<string, WorkspacePackage>> {
  const found = new Map<string, WorkspacePackage>();
  for (const group of GROUPS) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of await readdir(base, { withFileTypes: true })) {
      const dir = join(base, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, "package.json"))) continue;
      const pkg = await readPackageJson(dir);
      found.set(pkg.name, { dir, group, pkg });
    }
  }
  return found;
}

/** The file a package's `exports["."]` (or `main`) points at. */
export function packageEntry(pkg: PackageJson): string {
  const root = typeof pkg.exports === "string" ? pkg.exports : (pkg.exports as Record<string, unknown> | undefined)?.["."];
  if (typeof root === "string") return root;
  if (root && typeof (root as { default?: unknown }).default === "string") return (root as { default: string }).default;
  return pkg.main ?? "src/index.ts";
}

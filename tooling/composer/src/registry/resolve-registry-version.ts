import semver from "semver";
import { ErrorCode, LoomError } from "@loom/protocol";
import { fetchPackument } from "./fetch-packument.ts";
import type { LockedPlugin } from "./plugin-lock.ts";

/** How many published versions an error lists before it says "and N more". */
const LISTED_VERSIONS = 20;

/**
 * Asks the registry for a package and picks the highest version that satisfies `range`
 * (`semver.maxSatisfying`). A range nothing satisfies is REGISTRY_PACKAGE_INVALID naming the range and
 * the published versions; a missing package or an unreachable registry keep fetchPackument's errors.
 */
export async function resolveRegistryVersion(registry: string, name: string, range: string): Promise<LockedPlugin> {
  if (semver.validRange(range) === null) {
    throw new LoomError(ErrorCode.CONFIG_INVALID, `${name}@${range}: "${range}" is not a semver range; write e.g. ^1.2.0, ~1.2 or 1.2.3`);
  }
  const packument = await fetchPackument(registry, name);
  const published = semver.sort(Object.keys(packument.versions).filter((v) => semver.valid(v) !== null));
  const version = semver.maxSatisfying(published, range);
  if (version === null) {
    const shown = published.length > LISTED_VERSIONS ? [...published.slice(-LISTED_VERSIONS), `and ${published.length - LISTED_VERSIONS} older`] : published;
    throw new LoomError(
      ErrorCode.REGISTRY_PACKAGE_INVALID,
      `no version of ${name} in ${registry} satisfies ${range}; published: ${shown.join(", ") || "(none)"}`,
    );
  }
  const { dist } = packument.versions[version]!;
  const integrity = dist.integrity ?? dist.shasum;
  if (!integrity) throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `${name}@${version} in ${registry} has no integrity or shasum; refusing it`);
  return { name, range, version, tarball: dist.tarball, integrity };
}

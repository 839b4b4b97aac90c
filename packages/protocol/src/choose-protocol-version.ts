import { ErrorCode } from "./error-codes.ts";
import { LoomError } from "./loom-error.ts";

/** The protocol versions this package speaks. */
export const PROTOCOL_VERSIONS: readonly number[] = [1];

const list = (versions: readonly number[]) => (versions.length === 0 ? "none" : versions.join(", "));

/**
 * The highest version in both lists: what the plugin puts in its handshake and the host expects there.
 * Throws PROTOCOL_VERSION_MISMATCH naming both lists when they share none.
 */
export function chooseProtocolVersion(hostVersions: readonly number[], pluginVersions: readonly number[]): number {
  let best: number | undefined;
  for (const version of pluginVersions) {
    if (hostVersions.includes(version) && (best === undefined || version > best)) best = version;
  }
  if (best !== undefined) return best;
  throw new LoomError(
    ErrorCode.PROTOCOL_VERSION_MISMATCH,
    `no common protocol version: the host speaks ${list(hostVersions)}, the plugin speaks ${list(pluginVersions)}`,
  );
}

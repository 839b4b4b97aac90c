import { createHash } from "node:crypto";
import { ErrorCode, LoomError } from "@loom/protocol";
import { networkReason } from "./fetch-packument.ts";

/**
 * Downloads a package tarball and checks it against the registry's integrity (`sha512-…` SRI, or the
 * legacy sha1 `shasum`). Returns the bytes; a mismatch is REGISTRY_PACKAGE_INVALID and nothing is kept.
 */
export async function downloadTarball(
  spec: string,
  dist: { tarball: string; integrity?: string | undefined; shasum?: string | undefined },
  timeoutMs = 300_000,
): Promise<Buffer> {
  let response: Response;
  try {
    // A tarball is gzip already. fetch offers gzip and br by default, and a registry that takes the offer
    // (verdaccio compresses with brotli on the fly) makes a 37 MB Node runtime take a minute, not a second.
    response = await fetch(dist.tarball, { headers: { "accept-encoding": "identity" }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new LoomError(ErrorCode.REGISTRY_UNREACHABLE, `downloading ${spec} from ${dist.tarball} failed (${networkReason(error)})`, { cause: error });
  }
  if (!response.ok) throw new LoomError(ErrorCode.REGISTRY_UNREACHABLE, `downloading ${spec} from ${dist.tarball} failed: ${response.status} ${response.statusText}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const sri = dist.integrity?.split(/\s+/).find((s) => s.startsWith("sha512-"));
  const ok = sri
    ? `sha512-${createHash("sha512").update(bytes).digest("base64")}` === sri
    : dist.shasum
      ? createHash("sha1").update(bytes).digest("hex") === dist.shasum
      : false;
  if (!ok) {
    throw new LoomError(
      ErrorCode.REGISTRY_PACKAGE_INVALID,
      `${spec}: the download from ${dist.tarball} does not match the registry's integrity ${sri ?? dist.shasum ?? "(none given)"}; refusing it`,
    );
  }
  return bytes;
}

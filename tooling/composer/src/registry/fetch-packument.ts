import * as z from "zod";
import { ErrorCode, LoomError } from "@loom/protocol";

/** The parts of a registry package document ("packument") loom reads. */
export const PackumentSchema = z.object({
  name: z.string(),
  "dist-tags": z.record(z.string(), z.string()).default({}),
  versions: z.record(
    z.string(),
    z.object({
      name: z.string(),
      version: z.string(),
      peerDependencies: z.record(z.string(), z.string()).optional(),
      dist: z.object({ tarball: z.string(), integrity: z.string().optional(), shasum: z.string().optional() }),
    }),
  ),
});

export type Packument = z.infer<typeof PackumentSchema>;

/** Why a request failed, in a word a person can act on (ECONNREFUSED, ENOTFOUND, a timeout, ...). */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}

/**
 * Fetches a package's document from the registry. A registry that cannot be reached is
 * REGISTRY_UNREACHABLE; a package the registry does not have is REGISTRY_PACKAGE_INVALID; both name the
 * registry and the package.
 */
export async function fetchPackument(registry: string, name: string, timeoutMs = 30_000): Promise<Packument> {
  const url = new URL(name.replace("/", "%2f"), registry).href;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new LoomError(
      ErrorCode.REGISTRY_UNREACHABLE,
      `registry ${registry} cannot be reached (${networkReason(error)}) while looking up ${name}; check --registry or LOOM_REGISTRY`,
      { cause: error },
    );
  }
  if (response.status === 404) {
    throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `${name} is not in the registry ${registry} (404); check the package name`);
  }
  if (!response.ok) {
    throw new LoomError(ErrorCode.REGISTRY_UNREACHABLE, `registry ${registry} answered ${response.status} ${response.statusText} for ${name}`);
  }
  const parsed = PackumentSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `registry ${registry} sent a malformed document for ${name}: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

import { spawn } from "node:child_process";
import { mkdir, rename, rm } from "node:fs/promises";
import { ErrorCode, LoomError } from "@loom/protocol";

/**
 * Unpacks an npm tarball (gzip, one top folder, usually `package/`) into `dir`, atomically: it is
 * unpacked beside `dir` and renamed into place, so a half-written folder is never seen as a cache hit.
 * Uses the system `tar`.
 */
export async function extractTarball(bytes: Buffer, dir: string): Promise<void> {
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn("tar", ["-xzf", "-", "-C", partial, "--strip-components=1", "--no-same-owner"], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise() : reject(new Error(stderr.trim() || `tar exited with ${code}`))));
    child.stdin.end(bytes);
  }).catch((error: unknown) => {
    throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `unpacking into ${dir} failed: ${(error as Error).message}`, { cause: error });
  });
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
}

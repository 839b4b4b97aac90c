import { execFile } from "node:child_process";
import { chmod, copyFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { ErrorCode, LoomError } from "@loom/protocol";

const run = promisify(execFile);
/** postject's CLI, run as a child: its ELF library prints harmless warnings we keep out of loom's output. */
const POSTJECT_CLI = createRequire(import.meta.url).resolve("postject/dist/cli.js");

/** The fuse Node's single-executable support looks for. */
export const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/**
 * Turns a CommonJS bundle into a single executable (Node SEA): a blob made by the same Node that the
 * executable copies, injected with postject. No code cache: with it the blob differs run to run, and a
 * build must be reproducible (docs/decisions.md).
 */
export async function makeExecutable(options: { bundle: string; output: string; workDir: string; nodeBinary: string }): Promise<void> {
  const blob = join(options.workDir, "sea.blob");
  const config = join(options.workDir, "sea-config.json");
  await writeFile(
    config,
    JSON.stringify({ main: options.bundle, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false }, null, 2),
  );
  try {
    await run(options.nodeBinary, ["--experimental-sea-config", config]);
    await rm(options.output, { force: true });
    await copyFile(options.nodeBinary, options.output);
    await chmod(options.output, 0o755);
    await run(process.execPath, [POSTJECT_CLI, options.output, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE]);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new LoomError(ErrorCode.INTERNAL, `making the executable ${options.output} failed: ${detail}`, { cause: error });
  }
}

import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { ErrorCode, LoomError } from "@loom/protocol";
import { SHARED_CACHE_FOLDERS } from "./cache-folders.ts";
import { injectSeaBlob } from "./inject-sea-blob.ts";
import { ELF_MACHINE, elfMachineName, readElfMachine } from "./read-elf-machine.ts";
import type { NodePlatform } from "./read-elf-machine.ts";

const run = promisify(execFile);
/** postject's CLI, run as a child: its ELF library prints harmless warnings we keep out of loom's output. */
const POSTJECT_CLI = createRequire(import.meta.url).resolve("postject/dist/cli.js");

/** The fuse Node's single-executable support looks for. */
export const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/**
 * Turns a CommonJS bundle into a single executable (Node SEA): a blob made by a Node of the same version
 * as the one the executable copies, written into a copy of a template postject made of that binary
 * (inject-sea-blob.ts: postject once per binary, not per build). The blob maker is `blobNodeBinary` when the
 * copied binary cannot run here (a linux-arm64 runtime on linux-x64). No snapshot and no code cache:
 * with the code cache the blob differs run to run, a build must be reproducible, and only such a blob is
 * the same on every platform (docs/decisions.md). With `platform` the result's ELF machine is checked.
 */
export async function makeExecutable(options: {
  bundle: string;
  output: string;
  workDir: string;
  /** The Node binary the executable is a copy of. */
  nodeBinary: string;
  /** The Node binary that makes the blob, of the same version as `nodeBinary`; default: `nodeBinary`. */
  blobNodeBinary?: string | undefined;
  platform?: NodePlatform | undefined;
}): Promise<void> {
  const blob = join(options.workDir, "sea.blob");
  const config = join(options.workDir, "sea-config.json");
  await writeFile(
    config,
    // Paths relative to the work folder: the blob records `main`, and an absolute path would make the
    // executable depend on where the clone is.
    JSON.stringify(
      { main: relative(options.workDir, options.bundle), output: "sea.blob", disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false },
      null,
      2,
    ),
  );
  try {
    await run(options.blobNodeBinary ?? options.nodeBinary, ["--experimental-sea-config", config], { cwd: options.workDir });
    await injectSeaBlob({
      nodeBinary: options.nodeBinary,
      blob,
      output: options.output,
      templateDir: join(options.workDir, "..", SHARED_CACHE_FOLDERS.seaTemplates),
      postject: async (target, resource) => void (await run(process.execPath, [POSTJECT_CLI, target, "NODE_SEA_BLOB", resource, "--sentinel-fuse", SEA_FUSE])),
      postjectId: POSTJECT_CLI,
    });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new LoomError(ErrorCode.INTERNAL, `making the executable ${options.output} failed: ${detail}`, { cause: error });
  }
  if (options.platform) {
    const machine = await readElfMachine(options.output);
    if (machine !== ELF_MACHINE[options.platform]) {
      throw new LoomError(ErrorCode.INTERNAL, `making the executable ${options.output} failed: it is ${elfMachineName(machine)}, not ${elfMachineName(ELF_MACHINE[options.platform])}`);
    }
  }
}

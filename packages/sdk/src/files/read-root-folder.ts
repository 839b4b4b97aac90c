import { constants } from "node:fs";
import { access, realpath, stat } from "node:fs/promises";
import { resolve } from "node:path";

/**
 * Resolves `root` against the working directory and returns its real path (symlinks resolved), or throws
 * a clear error when it is missing, not a folder, or not readable.
 */
export async function readRootFolder(root: string, moduleId: string): Promise<string> {
  const absolute = resolve(process.cwd(), root);
  try {
    const real = await realpath(absolute);
    if (!(await stat(real)).isDirectory()) throw new Error("not a folder");
    await access(real, constants.R_OK | constants.X_OK);
    return real;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`${moduleId}: root "${root}" (${absolute}) is not a readable folder: ${reason}`, { cause: error });
  }
}

import { runLoom } from "../src/run-loom.ts";

/** Runs the loom CLI in this process and returns its exit code and what it wrote to stdout and stderr. */
export async function loom(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runLoom(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

import { parseArgs } from "node:util";
import { ErrorCode, isLoomError, LoomError } from "@loom/protocol";
import { z } from "zod";
import { buildDistribution } from "./build-distribution.ts";

const BuildArgsSchema = z.object({
  manifests: z.array(z.string()).min(1, "name at least one manifest file"),
  out: z.string().optional(),
  json: z.boolean().default(false),
});

const HELP = `loom: compose a distribution of a Loom host.

Usage:
  loom build <manifest>... [--out <dir>] [--json]   bundle each distribution (target "bundle")
  loom help                                         show this help
`;

export interface LoomIo {
  out(text: string): void;
  err(text: string): void;
}

/** The loom CLI; resolves with the exit code. Errors become messages; a bug prints its stack. */
export async function runLoom(argv: string[], io: LoomIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "help" || command === "--help") {
      io.out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command !== "build") throw new LoomError(ErrorCode.USAGE, `unknown command "${command}"\n\n${HELP}`);
    let parsed: unknown;
    try {
      const { values, positionals } = parseArgs({ args: rest, options: { out: { type: "string" }, json: { type: "boolean" } }, allowPositionals: true, strict: true });
      parsed = { ...values, manifests: positionals };
    } catch (error) {
      throw new LoomError(ErrorCode.USAGE, `build: ${(error as Error).message}`);
    }
    const args = BuildArgsSchema.safeParse(parsed);
    if (!args.success) throw new LoomError(ErrorCode.USAGE, `build: ${args.error.issues.map((i) => i.message).join("; ")}`);
    const results = [];
    for (const manifest of args.data.manifests) {
      const started = performance.now();
      const result = await buildDistribution(manifest, args.data.out ? { outDir: args.data.out } : {});
      results.push(result);
      const verb = result.cached ? "unchanged" : "built";
      if (!args.data.json) io.err(`${verb} ${result.distribution} -> ${result.output} (${(result.bytes / 1024).toFixed(0)} KiB, ${Math.round(performance.now() - started)} ms)\n`);
    }
    if (args.data.json) io.out(JSON.stringify(results, null, 2) + "\n");
    return 0;
  } catch (error) {
    if (isLoomError(error)) {
      io.err(`error: ${error.message}\n`);
      return error.code === ErrorCode.USAGE ? 2 : 1;
    }
    io.err(`error: this is a bug in loom, please report it:\n${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}

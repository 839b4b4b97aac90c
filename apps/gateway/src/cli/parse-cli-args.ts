import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { ErrorCode, LoomError } from "@loom/protocol";
import type { z } from "zod";

/** Parses a command's arguments with node:util, then checks the values with a zod schema. */
export function parseCliArgs<S extends z.ZodType>(
  command: string,
  args: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  schema: S,
): z.output<S> {
  let values: unknown;
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new LoomError(ErrorCode.USAGE, `${command}: ${(error as Error).message}; see 'gateway help'`);
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`).join("; ");
  throw new LoomError(ErrorCode.USAGE, `${command}: ${problems}; see 'gateway help'`);
}

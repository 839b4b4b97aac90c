import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { ErrorCode, LoomError } from "@loom/protocol/errors";
import type * as z from "zod";

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** Parses a command's flags with node:util alone (no zod: for commands that must start fast). */
export function parseCliFlags<const O extends FlagOptions>(
  command: string,
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>["values"] {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new LoomError(ErrorCode.USAGE, `${command}: ${(error as Error).message}; see 'gateway help'`);
  }
}

/** Parses a command's arguments with node:util, then checks the values with a zod schema. */
export function parseCliArgs<S extends z.ZodType>(command: string, args: string[], options: FlagOptions, schema: S): z.output<S> {
  const parsed = schema.safeParse(parseCliFlags(command, args, options));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`).join("; ");
  throw new LoomError(ErrorCode.USAGE, `${command}: ${problems}; see 'gateway help'`);
}

import { isLoomError } from "@loom/protocol/errors";
import type { CliCommand, CliIo, GatewayBuild } from "./cli-context.ts";
import { buildInfoCommand } from "./build-info/build-info-command.ts";
import { listModulesCommand } from "./list-modules/list-modules-command.ts";
import { pluginsCommand } from "./plugins/plugins-command.ts";
import { runCommand } from "./run/run-command.ts";
import { schemaCommand } from "./schema/schema-command.ts";
import { validateCommand } from "./validate/validate-command.ts";
import { versionCommand } from "./version/version-command.ts";

/** Every command, in the order `help` lists them. */
export const COMMANDS: readonly CliCommand[] = [runCommand, validateCommand, listModulesCommand, pluginsCommand, schemaCommand, versionCommand, buildInfoCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return `Loom gateway: an HTTP server whose handlers and middleware are plugins.\n\nUsage:\n${COMMANDS.map(
    (c) => `  ${c.usage.padEnd(width)}  ${c.summary}`,
  ).join("\n")}\n  ${"gateway help".padEnd(width)}  Show this help.\n`;
}

/**
 * The CLI's single entry and its single top-level catch: a LoomError becomes its message and exit 1
 * (2 for usage); anything else is a bug and prints its stack.
 */
export async function runCli(argv: string[], build: GatewayBuild, io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const red = (text: string) => (io.color ? `\x1b[31m${text}\x1b[39m` : text);
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`${red("error:")} unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(args, build, io);
  } catch (error) {
    if (isLoomError(error)) {
      io.err(`${red("error:")} ${error.message}\n`);
      return error.code === "USAGE" ? 2 : 1;
    }
    io.err(`${red("error:")} this is a bug in Loom, please report it:\n${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}

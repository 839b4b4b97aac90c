import type { GatewayBuild } from "./cli/cli-context.ts";
import { runCli } from "./cli/run-cli.ts";

/**
 * The gateway's process entry: runs the CLI with the plugins this build includes and exits with its
 * code. A generated distribution entry and the from-sources entry both call this.
 */
export async function main(build: GatewayBuild, argv: string[] = process.argv.slice(2)): Promise<never> {
  const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
  const code = await runCli(argv, build, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color,
  });
  // Let stdout drain (pipes are asynchronous) before exiting.
  await new Promise<void>((resolve) => (process.stdout.writableLength === 0 ? resolve() : process.stdout.once("drain", () => resolve())));
  process.exit(code);
}

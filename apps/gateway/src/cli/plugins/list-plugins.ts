import { ErrorCode, LoomError } from "@loom/protocol";
import * as z from "zod";
import { readConfig } from "../../config/read-config.ts";
import { formatAddress } from "../../config/listen-address.ts";
import type { CliCommand } from "../cli-context.ts";
import { parseCliArgs } from "../parse-cli-args.ts";
import { AdminUnreachable, readAdminPlugins } from "./read-admin-plugins.ts";
import type { PluginRow } from "./read-admin-plugins.ts";

/** The config's default admin address. */
const DEFAULT_ADMIN = "127.0.0.1:2019";

const ArgsSchema = z.object({
  admin: z.string().optional(),
  config: z.string().optional(),
  json: z.boolean().default(false),
});

/** The admin API's base URL: --admin, else the config's admin address, else the default. */
async function adminUrlOf(admin: string | undefined, config: string | undefined): Promise<string> {
  if (admin !== undefined) return /^https?:\/\//.test(admin) ? admin.replace(/\/+$/, "") : `http://${admin}`;
  if (config === undefined) return `http://${DEFAULT_ADMIN}`;
  const { config: decoded } = await readConfig(config);
  if (decoded.admin === false) throw new LoomError(ErrorCode.USAGE, `plugins list: ${config} turns the admin API off ("admin": false); enable it to list plugins`);
  const { listen } = decoded.admin;
  if (listen.port === 0) throw new LoomError(ErrorCode.USAGE, `plugins list: ${config} lets the system pick the admin port (port 0); give the bound address with --admin HOST:PORT`);
  return `http://${formatAddress(listen.host === "localhost" ? { ...listen, host: "127.0.0.1" } : listen)}`;
}

const ms = (value: number | undefined) => (value === undefined ? "-" : `${value.toFixed(value < 10 ? 2 : 0)}ms`);

/** The human table: one line per plugin; "-" where a bundled plugin has no process stats. */
function formatTable(rows: readonly PluginRow[]): string {
  const header = ["NAME", "PLACEMENT", "VERSION", "PIDS", "STATE", "RESTARTS", "CALLS", "ERRORS", "P50", "P99"];
  const cells = rows.map((r) => [
    r.name,
    r.placement,
    r.version,
    r.pids?.join(",") || "-",
    r.state ?? "-",
    String(r.restarts ?? "-"),
    String(r.calls ?? "-"),
    String(r.errors ?? "-"),
    ms(r.latencyMs?.p50),
    ms(r.latencyMs?.p99),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [header, ...cells].map((line) => line.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}

/** The code of `gateway plugins list [--json]`: reads GET /plugins of a running gateway's admin API. */
export const listPlugins: CliCommand["run"] = async (args, _build, io) => {
  const [sub, ...rest] = args;
  if (sub !== "list") throw new LoomError(ErrorCode.USAGE, `plugins: expected the subcommand "list"${sub ? `, got "${sub}"` : ""}; see 'gateway help'`);
  const flags = { admin: { type: "string" }, config: { type: "string" }, json: { type: "boolean" } } as const;
  const { admin, config, json } = parseCliArgs("plugins list", rest, flags, ArgsSchema);
  if (admin !== undefined && config !== undefined) throw new LoomError(ErrorCode.USAGE, "plugins list: give --admin or --config, not both");
  const url = await adminUrlOf(admin, config);
  let rows: PluginRow[];
  try {
    rows = await readAdminPlugins(url);
  } catch (error) {
    if (!(error instanceof AdminUnreachable)) throw error;
    io.err(
      `error: no gateway admin API answers at ${url} (${error.message}).\n` +
        `Start the gateway ('gateway run --config F'), or point at its admin address with --admin HOST:PORT or --config F.\n`,
    );
    return 1;
  }
  io.out(json ? JSON.stringify(rows, null, 2) + "\n" : formatTable(rows));
  return 0;
};

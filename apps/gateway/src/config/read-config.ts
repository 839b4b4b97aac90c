import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ErrorCode, LoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import { zodDiagnostics } from "@loom/runtime";
import { GatewayConfigSchema } from "./gateway-config.ts";
import type { GatewayConfig } from "./gateway-config.ts";
import { parseJsonText } from "@loom/protocol";

/** A config as the user wrote it and as decoded. */
export interface LoadedConfig {
  raw: unknown;
  config: GatewayConfig;
  /** The config file's folder, against which relative `plugins.dirs` resolve; absent for a config sent over the admin API. */
  dir?: string;
}

/** A bad value under `plugins.limits.<plugin>` gets its fix: a value in range, or no key (plugin.json's value then). */
function withLimitsHint(diagnostic: Diagnostic): Diagnostic {
  if (diagnostic.hint !== undefined || !diagnostic.path?.startsWith("plugins.limits")) return diagnostic;
  const hint = "set a value in the range the message gives (`gateway schema` lists every limit), or remove the key to keep the plugin's own value from its plugin.json";
  return { ...diagnostic, hint };
}

/** Decodes a config value; every schema problem is reported at once with its JSON path. */
export function parseGatewayConfig(raw: unknown, file?: string): LoadedConfig {
  const parsed = GatewayConfigSchema.safeParse(raw);
  if (parsed.success) return { raw, config: parsed.data, ...(file ? { dir: dirname(resolve(file)) } : {}) };
  const diagnostics = zodDiagnostics(parsed.error, "", file ? { file } : {}).map(withLimitsHint);
  const count = diagnostics.length;
  throw LoomError.fromDiagnostics(
    ErrorCode.CONFIG_INVALID,
    `${file ?? "config"} has ${count} problem${count > 1 ? "s" : ""}:`,
    diagnostics,
  );
}

/** Reads and decodes a gateway config file. */
export async function readConfig(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new LoomError(ErrorCode.CONFIG_UNREADABLE, `cannot read config ${file}: ${reason}`, { cause: error });
  }
  return parseGatewayConfig(parseJsonText(text, file), file);
}

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ErrorCode, LoomError } from "@loom/protocol";
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

/** Decodes a config value; every schema problem is reported at once with its JSON path. */
export function parseGatewayConfig(raw: unknown, file?: string): LoadedConfig {
  const parsed = GatewayConfigSchema.safeParse(raw);
  if (parsed.success) return { raw, config: parsed.data, ...(file ? { dir: dirname(resolve(file)) } : {}) };
  const diagnostics = zodDiagnostics(parsed.error, "", file ? { file } : {});
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

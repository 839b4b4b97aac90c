import { ErrorCode } from "./error-codes.ts";
import { LoomError } from "./loom-error.ts";
import type { PluginLaunch } from "./plugin-env.ts";
import { PLUGIN_MAGIC_COOKIE, PLUGIN_NOT_HOSTED_MESSAGE, PluginEnv, pluginEnvSchema } from "./plugin-env.ts";

/**
 * Reads a plugin's launch settings from its environment. Without the magic cookie it throws USAGE with
 * PLUGIN_NOT_HOSTED_MESSAGE (the plugin prints it and exits 1); a malformed variable throws
 * HANDSHAKE_FAILED naming each one.
 */
export function parsePluginEnv(env: Readonly<Record<string, string | undefined>>): PluginLaunch {
  if (env[PluginEnv.MAGIC_COOKIE] !== PLUGIN_MAGIC_COOKIE) throw new LoomError(ErrorCode.USAGE, PLUGIN_NOT_HOSTED_MESSAGE);
  // Once per process: zod's compiled parser (a `new Function` on first use) would cost more than it saves.
  const parsed = pluginEnvSchema().safeParse(env, { jitless: true });
  if (parsed.success) return parsed.data;
  throw LoomError.fromDiagnostics(
    ErrorCode.HANDSHAKE_FAILED,
    "the host started this plugin with a malformed environment:",
    parsed.error.issues.map((issue) => ({
      code: ErrorCode.HANDSHAKE_FAILED,
      path: issue.path.join(".") || "(environment)",
      message: issue.message,
    })),
  );
}

import * as z from "zod/mini";
import { described } from "./described.ts";
import { DEFAULT_MAX_FRAME_BYTES, MAX_U32, MIN_MAX_FRAME_BYTES } from "./frame-layout.ts";
import { lazySchema } from "./lazy-schema.ts";

/** The environment variables a host sets when it launches a subprocess plugin (docs/protocol.md, "Launch"). */
export const PluginEnv = {
  /** Always PLUGIN_MAGIC_COOKIE: tells a plugin it was started by a Loom host. */
  MAGIC_COOKIE: "LOOM_PLUGIN_MAGIC_COOKIE",
  /** The protocol versions the host speaks, comma-separated decimals, e.g. `1`. */
  PROTOCOL_VERSIONS: "LOOM_PLUGIN_PROTOCOL_VERSIONS",
  /** A per-launch nonce the plugin echoes in its handshake. */
  NONCE: "LOOM_PLUGIN_NONCE",
  /** Where the protocol channel is: `fds:<read>,<write>`, `fds:3,4` in v1. */
  CHANNEL: "LOOM_PLUGIN_CHANNEL",
  /** The largest frame length the host accepts, decimal; 16 MiB when absent. */
  MAX_FRAME_BYTES: "LOOM_PLUGIN_MAX_FRAME_BYTES",
  /** `exec` for one process per call (docs/protocol.md, "Exec mode"); absent or `subprocess` for a long-lived process. */
  MODE: "LOOM_PLUGIN_MODE",
  /** `1` when the host wants each module's `configSchema` in the handshake; absent otherwise. */
  DESCRIBE: "LOOM_PLUGIN_DESCRIBE",
} as const;

/** How the host runs the plugin: a long-lived process (`subprocess`), or one process per call (`exec`). */
export const PLUGIN_MODES = ["subprocess", "exec"] as const;
export type PluginMode = (typeof PLUGIN_MODES)[number];

/** The channel of an exec launch: the host's frames on stdin, the plugin's on stdout. */
export const EXEC_CHANNEL_FDS = { read: 0, write: 1 } as const;

/** A fixed constant, not a secret: it only keeps a plugin run by hand from waiting on pipes that are not there. */
export const PLUGIN_MAGIC_COOKIE = "7d3f0c52b8e14a69a1c4e2f9b06d8e31";

/** The channel of a v1 launch: the plugin reads host frames from fd 3 and writes its frames to fd 4. */
export const PLUGIN_CHANNEL_FDS = { read: 3, write: 4 } as const;

/** What a plugin prints (to stderr, then exit 1) when started without the magic cookie. */
export const PLUGIN_NOT_HOSTED_MESSAGE =
  "This program is a Loom plugin. A Loom host starts it and talks to it over a private channel; it does nothing when run by hand. Add it to a host's plugins instead.";

/**
 * The launch environment as a plugin reads it; output fields have plain names. zod/mini, built on first
 * use (lazySchema): a plugin parses it once, as it starts, and a host never (see handshake-message.ts).
 */
export const pluginEnvSchema = lazySchema(() => {
  const decimal = z.pipe(z.string().check(z.regex(/^[0-9]{1,10}$/, "expected a decimal number")), z.transform(Number));
  return z.pipe(
    z.object({
      [PluginEnv.MAGIC_COOKIE]: z.literal(PLUGIN_MAGIC_COOKIE, { message: "not the Loom plugin magic cookie" }),
      [PluginEnv.PROTOCOL_VERSIONS]: described(
        z.pipe(
          z.string().check(z.regex(/^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9})*$/, "expected comma-separated versions, e.g. 1,2")),
          z.transform((text) => text.split(",").map(Number)),
        ),
        "The protocol versions the host speaks.",
      ),
      [PluginEnv.NONCE]: described(
        z.string().check(z.regex(/^[0-9A-Za-z_-]{16,128}$/, "expected 16 to 128 letters, digits, - or _")),
        "The per-launch nonce to echo.",
      ),
      [PluginEnv.CHANNEL]: described(
        z.pipe(
          z.string().check(z.regex(/^fds:[0-9]{1,9},[0-9]{1,9}$/, "expected fds:<read>,<write>, e.g. fds:3,4")),
          z.transform((text) => {
            const [read, write] = text.slice("fds:".length).split(",").map(Number);
            return { read: read!, write: write! };
          }),
        ),
        "The file descriptors of the protocol channel.",
      ),
      [PluginEnv.MAX_FRAME_BYTES]: described(
        z.optional(z.pipe(decimal, z.int().check(z.minimum(MIN_MAX_FRAME_BYTES), z.maximum(MAX_U32)))),
        "The largest frame length the host accepts.",
      ),
      [PluginEnv.MODE]: described(z.optional(z.enum(PLUGIN_MODES, { message: 'expected "subprocess" or "exec"' })), "subprocess (the default) or exec."),
      [PluginEnv.DESCRIBE]: described(z.optional(z.literal("1", { message: "expected 1, or the variable left out" })), "1: send each module's configSchema."),
    }),
    z.transform((env) => ({
      protocolVersions: env[PluginEnv.PROTOCOL_VERSIONS],
      nonce: env[PluginEnv.NONCE],
      channel: env[PluginEnv.CHANNEL],
      maxFrameBytes: env[PluginEnv.MAX_FRAME_BYTES] ?? DEFAULT_MAX_FRAME_BYTES,
      mode: env[PluginEnv.MODE] ?? "subprocess",
      describe: env[PluginEnv.DESCRIBE] === "1",
    })),
  );
});

/** A plugin's launch settings, read from its environment. */
export type PluginLaunch = z.output<ReturnType<typeof pluginEnvSchema>>;

/** A launch as the host describes it: `mode` may be left out for a subprocess launch, `describe` when false. */
export type PluginLaunchInput = Omit<PluginLaunch, "mode" | "describe"> & { mode?: PluginMode | undefined; describe?: boolean | undefined };

/**
 * The environment variables a host sets to launch a plugin (the inverse of pluginEnvSchema);
 * LOOM_PLUGIN_MODE only for exec, LOOM_PLUGIN_DESCRIBE only when the host wants the config schemas.
 */
export function formatPluginEnv(launch: PluginLaunchInput): Record<string, string> {
  return {
    [PluginEnv.MAGIC_COOKIE]: PLUGIN_MAGIC_COOKIE,
    [PluginEnv.PROTOCOL_VERSIONS]: launch.protocolVersions.join(","),
    [PluginEnv.NONCE]: launch.nonce,
    [PluginEnv.CHANNEL]: `fds:${launch.channel.read},${launch.channel.write}`,
    [PluginEnv.MAX_FRAME_BYTES]: String(launch.maxFrameBytes),
    ...(launch.mode === "exec" ? { [PluginEnv.MODE]: "exec" } : {}),
    ...(launch.describe ? { [PluginEnv.DESCRIBE]: "1" } : {}),
  };
}

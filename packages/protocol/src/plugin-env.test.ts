import { describe, expect, it } from "vitest";
import { parsePluginEnv } from "./parse-plugin-env.ts";
import { PLUGIN_MAGIC_COOKIE, PLUGIN_NOT_HOSTED_MESSAGE, formatPluginEnv } from "./plugin-env.ts";

const launch = { protocolVersions: [1, 2], nonce: "0123456789abcdef0123456789abcdef", channel: { read: 3, write: 4 }, maxFrameBytes: 1 << 20 };

describe("plugin launch environment", () => {
  it("formats what the host sets and parses it back, ignoring other variables", () => {
    const env = formatPluginEnv(launch);
    expect(env).toEqual({
      LOOM_PLUGIN_MAGIC_COOKIE: PLUGIN_MAGIC_COOKIE,
      LOOM_PLUGIN_PROTOCOL_VERSIONS: "1,2",
      LOOM_PLUGIN_NONCE: launch.nonce,
      LOOM_PLUGIN_CHANNEL: "fds:3,4",
      LOOM_PLUGIN_MAX_FRAME_BYTES: "1048576",
    });
    expect(parsePluginEnv({ ...env, PATH: "/bin" })).toEqual({ ...launch, mode: "subprocess", describe: false });
    const { LOOM_PLUGIN_MAX_FRAME_BYTES: _, ...withoutMax } = env;
    expect(parsePluginEnv(withoutMax).maxFrameBytes).toBe(16 * 1024 * 1024);
  });

  it("marks an exec launch with LOOM_PLUGIN_MODE=exec and its channel on stdin/stdout", () => {
    const env = formatPluginEnv({ ...launch, channel: { read: 0, write: 1 }, mode: "exec" });
    expect(env).toMatchObject({ LOOM_PLUGIN_CHANNEL: "fds:0,1", LOOM_PLUGIN_MODE: "exec" });
    expect(parsePluginEnv(env)).toEqual({ ...launch, channel: { read: 0, write: 1 }, mode: "exec", describe: false });
    expect(() => parsePluginEnv({ ...env, LOOM_PLUGIN_MODE: "once" })).toThrow('LOOM_PLUGIN_MODE: expected "subprocess" or "exec"');
  });

  it("asks for the modules' config schemas with LOOM_PLUGIN_DESCRIBE=1 only", () => {
    const env = formatPluginEnv({ ...launch, describe: true });
    expect(env.LOOM_PLUGIN_DESCRIBE).toBe("1");
    expect(parsePluginEnv(env).describe).toBe(true);
    expect(formatPluginEnv({ ...launch, describe: false })).not.toHaveProperty("LOOM_PLUGIN_DESCRIBE");
    expect(() => parsePluginEnv({ ...env, LOOM_PLUGIN_DESCRIBE: "yes" })).toThrow("LOOM_PLUGIN_DESCRIBE: expected 1, or the variable left out");
  });

  it("tells a person who started the plugin by hand what it is (USAGE)", () => {
    expect(() => parsePluginEnv({ PATH: "/bin" })).toThrow(expect.objectContaining({ code: "USAGE", message: PLUGIN_NOT_HOSTED_MESSAGE }));
    expect(() => parsePluginEnv({ LOOM_PLUGIN_MAGIC_COOKIE: "guess" })).toThrow(PLUGIN_NOT_HOSTED_MESSAGE);
  });

  it("names every malformed variable (HANDSHAKE_FAILED)", () => {
    const env = { ...formatPluginEnv(launch), LOOM_PLUGIN_PROTOCOL_VERSIONS: "1,,2", LOOM_PLUGIN_CHANNEL: "stdio", LOOM_PLUGIN_MAX_FRAME_BYTES: "100" };
    expect(() => parsePluginEnv(env)).toThrowErrorMatchingInlineSnapshot(`
      [LoomError: the host started this plugin with a malformed environment:
        - LOOM_PLUGIN_PROTOCOL_VERSIONS: expected comma-separated versions, e.g. 1,2
        - LOOM_PLUGIN_CHANNEL: expected fds:<read>,<write>, e.g. fds:3,4
        - LOOM_PLUGIN_MAX_FRAME_BYTES: Too small: expected number to be >=65536]
    `);
  });
});

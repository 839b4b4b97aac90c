import { DEFAULT_MAX_FRAME_BYTES, ErrorCode, PLUGIN_NOT_HOSTED_MESSAGE, checkHandshake } from "@loom/protocol";
import type { HandshakeMessage } from "@loom/protocol";
import { afterAll, describe, it } from "vitest";
import { WORKER_METHODS } from "./test/fixtures/test-plugin.ts";
import { killAll, startPlugin } from "./test/start-plugin.ts";

afterAll(killAll);

// Each test starts its own plugin process: they run at once.
describe.concurrent("serve: launch and handshake", () => {
  it("started by hand (no magic cookie) says it is a plugin and exits 1 without touching the channel", async ({ expect }) => {
    const plugin = startPlugin({ hosted: false });
    expect(await plugin.exited).toEqual({ code: 1, signal: null });
    expect(plugin.stderr()).toBe(`${PLUGIN_NOT_HOSTED_MESSAGE}\n`);
    expect(plugin.frames).toEqual([]);
  });

  it("a malformed launch environment names the variable and exits 1", async ({ expect }) => {
    const plugin = startPlugin({ env: { LOOM_PLUGIN_NONCE: "short", LOOM_PLUGIN_CHANNEL: "3,4" } });
    expect(await plugin.exited).toEqual({ code: 1, signal: null });
    expect(plugin.stderr()).toContain("malformed environment");
    expect(plugin.stderr()).toContain("LOOM_PLUGIN_NONCE: expected 16 to 128 letters, digits, - or _");
    expect(plugin.stderr()).toContain("LOOM_PLUGIN_CHANNEL: expected fds:<read>,<write>");
  });

  it("sends one handshake: versions, the nonce echoed, cancel, limits and the servable modules with their methods", async ({ expect }) => {
    const plugin = startPlugin();
    const handshake = (await plugin.waitFor((m) => m.type === "handshake", "handshake")) as HandshakeMessage;
    expect(plugin.frames[0]).toBe(handshake);
    expect(checkHandshake(handshake, { protocolVersions: [1], nonce: plugin.nonce })).toBe(1);
    expect(handshake).toMatchObject({
      protocolVersions: [1],
      protocolVersion: 1,
      nonce: plugin.nonce,
      plugin: { name: "@loom/test-plugin", version: "1.2.3" },
      capabilities: ["cancel"],
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
    });
    expect(handshake.maxConcurrentCalls).toBeUndefined();
    expect(handshake.modules.map(({ id, methods, description }) => ({ id, methods, description }))).toEqual([
      { id: "http.handlers.echo", methods: ["handle"], description: "Answers with the request body after a prefix." },
      { id: "test.jobs.worker", methods: [...WORKER_METHODS], description: undefined },
    ]);
    // Config schemas only when the host asks for them (LOOM_PLUGIN_DESCRIBE).
    expect(handshake.modules.map((module) => module.configSchema)).toEqual([undefined, undefined]);
    // The middleware is left out, and the log says why.
    await expect.poll(() => plugin.logs().find((line) => line.module === "http.middleware.noop")).toMatchObject({
      level: 40,
      msg: expect.stringContaining("next()"),
    });
  });

  it("with LOOM_PLUGIN_DESCRIBE=1 the handshake carries each module's config as a JSON Schema", async ({ expect }) => {
    const plugin = startPlugin({ env: { LOOM_PLUGIN_DESCRIBE: "1" } });
    const handshake = (await plugin.waitFor((m) => m.type === "handshake", "handshake")) as HandshakeMessage;
    expect(checkHandshake(handshake, { protocolVersions: [1], nonce: plugin.nonce })).toBe(1);
    expect(handshake.modules[0]!.configSchema).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        prefix: { type: "string", description: "Bytes put before the body." },
        status: { type: "integer", minimum: 100, maximum: 599, default: 200, description: "The status code." },
      },
      required: ["prefix"],
      additionalProperties: false,
    });
    expect(handshake.modules[1]!.configSchema).toMatchObject({ type: "object" });
  });

  it("refuses to start when it does not know a module's namespace, naming the option to set", async ({ expect }) => {
    const plugin = startPlugin({ env: { SERVE_FIXTURE_MODE: "no-namespaces" } });
    expect(await plugin.exited).toEqual({ code: 1, signal: null });
    expect(plugin.frames).toEqual([
      expect.objectContaining({ type: "error", id: 0, code: ErrorCode.HANDSHAKE_FAILED, message: expect.stringContaining("module test.jobs.worker") }),
    ]);
    expect(plugin.stderr()).toContain("serve(plugin, { namespaces:");
  });

  it("announces maxConcurrentCalls and refuses a call beyond it with PLUGIN_OVERLOADED", async ({ expect }) => {
    const plugin = startPlugin({ env: { SERVE_FIXTURE_MODE: "one-call" } });
    expect(await plugin.waitFor((m) => m.type === "handshake", "handshake")).toMatchObject({ maxConcurrentCalls: 1 });
    plugin.send({ type: "create", id: 1, module: "test.jobs.worker", config: {} });
    const { instance } = (await plugin.reply(1)) as { instance: string };
    plugin.send({ type: "call", id: 2, instance, method: "sleep", args: [200, "first"], deadlineMs: 5_000 });
    plugin.send({ type: "call", id: 3, instance, method: "sleep", args: [0, "second"], deadlineMs: 5_000 });
    expect(await plugin.reply(3)).toMatchObject({ type: "error", code: ErrorCode.PLUGIN_OVERLOADED });
    expect(await plugin.reply(2)).toMatchObject({ type: "result", value: "first" });
  });

  it("with no common protocol version sends PROTOCOL_VERSION_MISMATCH naming both lists, and exits 1", async ({ expect }) => {
    const plugin = startPlugin({ env: { LOOM_PLUGIN_PROTOCOL_VERSIONS: "2,3" } });
    expect(await plugin.exited).toEqual({ code: 1, signal: null });
    expect(plugin.frames).toEqual([
      {
        type: "error",
        id: 0,
        code: ErrorCode.PROTOCOL_VERSION_MISMATCH,
        message: "no common protocol version: the host speaks 2, 3, the plugin speaks 1",
        data: { host: [2, 3], plugin: [1] },
      },
    ]);
  });

  it.for([
    ["an unknown frame type", Uint8Array.of(0, 0, 0, 11, 0x7f, 0, 0, 0, 1, 0, 0, 0, 2, 0x7b, 0x7d), ErrorCode.PROTOCOL_ERROR, "unknown frame type 0x7f"],
    ["a frame larger than the maximum", Uint8Array.of(0xff, 0xff, 0xff, 0xff), ErrorCode.FRAME_TOO_LARGE, "more than the maximum"],
    ["a plugin-only frame type", Uint8Array.of(0, 0, 0, 27, 0x07, 0, 0, 0, 1, 0, 0, 0, 18, ...new TextEncoder().encode('{"instance":"i1"}'), 0x20), ErrorCode.PROTOCOL_ERROR, "only the plugin sends created frames"],
  ] as const satisfies readonly (readonly [string, Uint8Array, string, string])[])("fails the connection on %s: an error frame with id 0, exit 1", async ([_what, bytes, code, text], { expect }) => {
    const plugin = startPlugin();
    await plugin.waitFor((m) => m.type === "handshake", "handshake");
    plugin.sendRaw(bytes);
    const error = await plugin.waitFor((m) => m.type === "error", "error frame");
    expect(error).toMatchObject({ id: 0, code, message: expect.stringContaining(text) });
    expect(await plugin.exited).toEqual({ code: 1, signal: null });
  });
});

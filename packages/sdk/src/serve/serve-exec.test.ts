import { ErrorCode, checkHandshake } from "@loom/protocol";
import type { CallMessage, CreateMessage, HandshakeMessage } from "@loom/protocol";
import { describe, expect, it } from "vitest";
import { runExecPlugin } from "./test/run-exec.ts";

const createEcho: CreateMessage = { type: "create", id: 1, module: "http.handlers.echo", config: { prefix: ">>" }, path: "routes[0].handle" };
const createWorker: CreateMessage = { type: "create", id: 1, module: "test.jobs.worker", config: {} };
const call = (method: string, args: unknown[], deadlineMs = 10_000): CallMessage => ({ type: "call", id: 2, instance: "exec", method, args, deadlineMs });

// One exec run at a time: each starts tsx, and the other serve tests run their plugins meanwhile.
describe("serve in exec mode (LOOM_PLUGIN_MODE=exec)", { timeout: 40_000 }, () => {
  it("with no request sends only its handshake and exits 0", async () => {
    const run = await runExecPlugin([]);
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.frames).toHaveLength(1);
    const handshake = run.frames[0] as HandshakeMessage;
    expect(checkHandshake(handshake, { protocolVersions: [1], nonce: run.nonce })).toBe(1);
    expect(handshake.modules.map((m) => m.id)).toEqual(["http.handlers.echo", "test.jobs.worker"]);
  });

  it("answers create and one call: created, then the result with a binary body byte-exact; the instance is stopped and cleaned up", async () => {
    const body = new Uint8Array(100_000).map((_, i) => (i * 13 + 5) % 256);
    const request = { id: "r1", method: "POST", url: "/x", headers: {}, body, remoteAddress: "127.0.0.1" };
    const run = await runExecPlugin([createEcho, call("handle", [request])]);
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.frames.map((f) => [f.type, f.id])).toEqual([["handshake", 0], ["created", 1], ["result", 2]]);
    const value = (run.frames[2] as { value: { status: number; headers: Record<string, string>; body: Uint8Array } }).value;
    expect(value.status).toBe(200);
    expect(value.headers["x-method"]).toBe("POST");
    expect(Buffer.from(value.body).equals(Buffer.concat([Buffer.from(">>"), body]))).toBe(true);
    expect(run.logs.map((line) => line.msg)).toEqual(expect.arrayContaining(["echo stopped", "echo cleaned up"]));
  });

  it("keeps stdout for frames: what a module console.logs goes to stderr, and the answer is intact", async () => {
    const run = await runExecPlugin([createWorker, call("print", [40])]);
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.frames.map((f) => f.type)).toEqual(["handshake", "created", "result"]);
    expect(run.frames[2]).toMatchObject({ value: 40 });
    expect(run.stderr).toContain(`line 0 ${"x".repeat(200)}\n`);
    expect(run.stderr).toContain("line 39 ");
  });

  it("runs provision before the method in the call's own process, and hides the launch variables from the module", async () => {
    const [provisioned, env] = await Promise.all([runExecPlugin([createWorker, call("isProvisioned", [])]), runExecPlugin([createWorker, call("launchEnv", [])])]);
    expect(provisioned.frames[2]).toMatchObject({ type: "result", value: true });
    expect(env.frames[2]).toMatchObject({ type: "result", value: [] });
  });

  it("validates the config at create: CONFIG_INVALID with every problem's full path, exit 0", async () => {
    const run = await runExecPlugin([{ ...createEcho, config: { prefix: 1, extra: true } }]);
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.frames.map((f) => [f.type, f.id])).toEqual([["handshake", 0], ["error", 1]]);
    expect(run.frames[1]).toMatchObject({
      code: ErrorCode.CONFIG_INVALID,
      data: { diagnostics: [expect.objectContaining({ path: "routes[0].handle.prefix" }), expect.objectContaining({ path: "routes[0].handle" })] },
    });
  });

  it("a create run answers created after provision and validate, and cleans up", async () => {
    const run = await runExecPlugin([createWorker]);
    expect(run.frames.map((f) => [f.type, f.id])).toEqual([["handshake", 0], ["created", 1]]);
    expect(run.logs.map((line) => line.msg)).toContain("worker cleaned up");
  });

  it("answers PLUGIN_TIMEOUT at the call's deadline without waiting for the method", async () => {
    const run = await runExecPlugin([createWorker, call("sleep", [60_000, "late"], 300)]);
    // It exited by itself (runExecPlugin kills a run after 30 s; the method sleeps 60 s).
    expect(run.exit).toEqual({ code: 0, signal: null });
    expect(run.frames[2]).toMatchObject({ type: "error", id: 2, code: ErrorCode.PLUGIN_TIMEOUT, message: "the call passed its deadline of 300 ms" });
  });

  it("a method that throws is PLUGIN_CALL_FAILED; an unknown method PLUGIN_TARGET_UNKNOWN; both exit 0", async () => {
    const [failed, unknown] = await Promise.all([runExecPlugin([createWorker, call("fail", ["boom"])]), runExecPlugin([createWorker, call("nope", [])])]);
    expect([failed.exit.code, failed.frames[2]]).toEqual([0, expect.objectContaining({ type: "error", code: ErrorCode.PLUGIN_CALL_FAILED, message: "boom" })]);
    expect(unknown.frames[2]).toMatchObject({ type: "error", code: ErrorCode.PLUGIN_TARGET_UNKNOWN, message: expect.stringContaining("has no method nope") });
  });

  it("a request that is not create then call fails the run with PROTOCOL_ERROR (id 0) and exit 1", async () => {
    const run = await runExecPlugin([call("print", [1])]);
    expect(run.exit).toEqual({ code: 1, signal: null });
    expect(run.frames.map((f) => f.type)).toEqual(["handshake", "error"]);
    expect(run.frames[1]).toMatchObject({
      id: 0,
      code: ErrorCode.PROTOCOL_ERROR,
      message: "the host broke exec mode: exec mode expected a create frame with id 1, and the host sent a call frame (id 2)",
    });
  });
});

import { ErrorCode } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAll, startPlugin } from "./test/start-plugin.ts";
import type { PluginProcess } from "./test/start-plugin.ts";

let plugin: PluginProcess;
let lastId = 0;
let echo: string;
let worker: string;

/** Sends a request with a fresh id and waits for its reply. */
async function request(message: Record<string, unknown> & { type: "create" | "call" | "destroy" | "health" }): Promise<FrameMessage> {
  const id = ++lastId;
  plugin.send({ ...message, id } as FrameMessage);
  return plugin.reply(id);
}
const call = (instance: string, method: string, args: unknown[] = [], deadlineMs = 10_000) =>
  request({ type: "call", instance, method, args, deadlineMs });
async function create(module: string, config: unknown, path?: string): Promise<string> {
  const reply = await request({ type: "create", module, config, ...(path === undefined ? {} : { path }) });
  if (reply.type !== "created") throw new Error(`create failed: ${JSON.stringify(reply)}`);
  return reply.instance;
}

beforeAll(async () => {
  plugin = startPlugin();
  await plugin.waitFor((m) => m.type === "handshake", "handshake");
  echo = await create("http.handlers.echo", { prefix: "<<" }, "routes[0].handle");
  worker = await create("test.jobs.worker", {});
  for (const step of ["provision", "validate", "start"]) {
    expect(await call(echo, step)).toEqual({ type: "result", id: lastId });
    expect(await call(worker, step)).toEqual({ type: "result", id: lastId });
  }
});
afterAll(killAll);

const httpRequest = (body: Uint8Array, headers: Record<string, string> = {}) => ({
  id: "r1",
  method: "POST",
  url: "/upload?x=1",
  headers,
  body,
  remoteAddress: "127.0.0.1",
});

describe("serve: instances and calls", () => {
  it("create with a bad config replies CONFIG_INVALID with every problem's JSON path in data.diagnostics", async () => {
    const reply = await request({ type: "create", module: "http.handlers.echo", config: { prefix: 5, status: 99, extra: true }, path: "routes[2].handle" });
    expect(reply).toMatchObject({ type: "error", code: ErrorCode.CONFIG_INVALID, message: expect.stringContaining("invalid config for module http.handlers.echo at routes[2].handle:") });
    const { diagnostics } = (reply as { data: { diagnostics: { path: string; message: string }[] } }).data;
    expect(diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: ErrorCode.CONFIG_INVALID, path: "routes[2].handle.prefix", message: expect.stringContaining("expected string"), module: "http.handlers.echo" }),
        expect.objectContaining({ path: "routes[2].handle.status", message: expect.stringContaining(">=100") }),
        expect.objectContaining({ path: "routes[2].handle", message: 'unknown key "extra"' }),
      ]),
    );
    expect(diagnostics).toHaveLength(3);
  });

  it("create of a module the plugin does not provide replies MODULE_UNKNOWN", async () => {
    expect(await request({ type: "create", module: "http.middleware.noop", config: {} })).toMatchObject({
      type: "error",
      code: ErrorCode.MODULE_UNKNOWN,
      message: "this plugin does not provide module http.middleware.noop; it provides http.handlers.echo, test.jobs.worker",
    });
  });

  it("runs an http.handlers handle call with a binary body both ways", async () => {
    const body = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    const reply = await call(echo, "handle", [httpRequest(body)]);
    expect(reply.type).toBe("result");
    const value = (reply as { value: { status: number; headers: Record<string, string>; body: Uint8Array } }).value;
    expect(value.status).toBe(200);
    expect(value.headers).toEqual({ "content-type": "application/octet-stream", "x-method": "POST" });
    expect(value.body).toBeInstanceOf(Uint8Array);
    expect([...value.body]).toEqual([60, 60, ...body]);
  });

  it("reads a streamed response body whole, since v1 carries a body as one $bytes value", async () => {
    const reply = await call(echo, "handle", [httpRequest(new TextEncoder().encode("abcdef"), { "x-stream": "yes" })]);
    const value = (reply as { value: { body: Uint8Array } }).value;
    expect(new TextDecoder().decode(value.body)).toBe("<<a~bcdef");
  });

  it("answers many calls in flight, each when it finishes", async () => {
    const delays = [500, 0, 250, 100, 400, 50, 300, 150, 450, 200];
    const first = lastId + 1;
    const replies = await Promise.all(delays.map((ms, i) => call(worker, "sleep", [ms, { i, bytes: Uint8Array.of(i) }])));
    replies.forEach((reply, i) => {
      expect(reply).toMatchObject({ type: "result", id: first + i, value: { i } });
      expect([...(reply as { value: { bytes: Uint8Array } }).value.bytes]).toEqual([i]);
    });
    const order = plugin.frames.filter((m) => m.id >= first && m.id < first + delays.length).map((m) => m.id - first);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    expect(order.indexOf(0)).toBeGreaterThan(order.indexOf(1));
  });

  it("cancel aborts the call's signal (currentCall) and the call replies CALL_CANCELLED", async () => {
    const id = ++lastId;
    plugin.send({ type: "call", id, instance: worker, method: "waitForAbort", args: [], deadlineMs: 10_000 });
    await expect.poll(() => call(worker, "sleep", [0, "running"]).then((r) => (r as { value: unknown }).value)).toBe("running");
    plugin.send({ type: "cancel", id, reason: "client went away" });
    expect(await plugin.reply(id)).toEqual({ type: "error", id, code: ErrorCode.CALL_CANCELLED, message: "the host cancelled the call (client went away)" });
    await expect.poll(() => plugin.logs().find((line) => line.msg === "worker saw its call abort" && line.id === id)).toMatchObject({ reason: ErrorCode.CALL_CANCELLED });
  });

  it("the deadline aborts an http handler's call.signal and the call replies PLUGIN_TIMEOUT", async () => {
    const started = Date.now();
    const reply = await call(echo, "handle", [httpRequest(new Uint8Array(0), { "x-wait": "abort" })], 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(reply).toMatchObject({ type: "error", code: ErrorCode.PLUGIN_TIMEOUT, message: "the call passed its deadline of 300 ms" });
    await expect.poll(() => plugin.logs().find((line) => line.msg === "handle saw its signal abort")).toMatchObject({
      reason: ErrorCode.PLUGIN_TIMEOUT,
      module: "http.handlers.echo",
      instance: echo,
    });
  });

  it("a cancel for an id not in flight is ignored", async () => {
    plugin.send({ type: "cancel", id: 999_999 });
    expect(await request({ type: "health" })).toEqual({ type: "health-ok", id: lastId, inFlight: 0 });
  });

  it("a method that throws fails only that call; a LoomError keeps its code", async () => {
    expect(await call(worker, "fail", ["disk on fire"])).toEqual({ type: "error", id: lastId, code: ErrorCode.PLUGIN_CALL_FAILED, message: "disk on fire" });
    expect(await call(worker, "failLater", ["later"])).toEqual({ type: "error", id: lastId, code: ErrorCode.PLUGIN_CALL_FAILED, message: "later" });
    expect(await call(worker, "failCoded")).toEqual({ type: "error", id: lastId, code: ErrorCode.BODY_TOO_LARGE, message: "the upload is too large" });
    expect(await call(worker, "isProvisioned")).toEqual({ type: "result", id: lastId, value: true });
  });

  it("an unknown method or instance replies PLUGIN_TARGET_UNKNOWN", async () => {
    expect(await call(worker, "constructor")).toMatchObject({ code: ErrorCode.PLUGIN_TARGET_UNKNOWN, message: expect.stringContaining("has no method constructor") });
    expect(await call("i999", "sleep", [0])).toMatchObject({ code: ErrorCode.PLUGIN_TARGET_UNKNOWN, message: "no instance i999 (never created, or destroyed)" });
  });

  it("loadModule is not in protocol v1 and says so", async () => {
    expect(await call(worker, "guest")).toMatchObject({ type: "error", message: expect.stringContaining("cannot do in protocol v1") });
  });

  it("a plugin flooding stdout does not disturb the protocol", async () => {
    const [printed, bytes] = await Promise.all([call(worker, "print", [5_000]), call(worker, "bytes", [1024 * 1024])]);
    expect(printed).toMatchObject({ type: "result", value: 5_000 });
    const value = (bytes as { value: Uint8Array }).value;
    expect(value.length).toBe(1024 * 1024);
    expect(value.every((byte) => byte === 7)).toBe(true);
    await expect.poll(() => plugin.stdoutBytes()).toBeGreaterThan(5_000 * 200);
  });

  it("health answers with the number of calls in flight", async () => {
    const slow = [call(worker, "sleep", [600]), call(worker, "sleep", [600])];
    expect(await request({ type: "health" })).toEqual({ type: "health-ok", id: lastId, inFlight: 2 });
    await Promise.all(slow);
  });

  it("destroy cancels the instance's calls, and the instance is gone", async () => {
    const doomed = await create("test.jobs.worker", {});
    const id = ++lastId;
    plugin.send({ type: "call", id, instance: doomed, method: "waitForAbort", args: [], deadlineMs: 10_000 });
    await call(doomed, "sleep", [0]);
    expect(await request({ type: "destroy", instance: doomed })).toEqual({ type: "result", id: lastId });
    expect(await plugin.reply(id)).toMatchObject({ code: ErrorCode.CALL_CANCELLED, message: `instance ${doomed} was destroyed` });
    expect(await call(doomed, "sleep", [0])).toMatchObject({ code: ErrorCode.PLUGIN_TARGET_UNKNOWN });
  });

  it("the plugin's child processes inherit neither the channel fds nor the launch variables", async () => {
    const fds = (await call(worker, "childFds")) as { value: string[] };
    expect(fds.value).toEqual(expect.arrayContaining(["0", "1", "2"]));
    expect(fds.value).not.toContain("3");
    expect(fds.value).not.toContain("4");
    expect(await call(worker, "launchEnv")).toMatchObject({ value: [] });
  });
});

import { randomBytes } from "node:crypto";
import { BATCH_FLUSH_FRAMES } from "@loom/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPluginPool } from "../../src/index.ts";
import type { PluginEvent, PluginPool, RemoteInstance } from "../../src/index.ts";
import { memoryLogger, nodePlugin, rejection } from "./helpers.ts";

const { logger, records } = memoryLogger();
let pool: PluginPool;
let echo: RemoteInstance;
const events: PluginEvent[] = [];

beforeAll(async () => {
  pool = createPluginPool(nodePlugin("echo-plugin.mjs"), { logger });
  pool.subscribe((event) => events.push(event));
  await pool.start();
  echo = await pool.createInstance("test.echo.main", {});
});
afterAll(() => pool.stop());

describe("connection", () => {
  it("multiplexes many calls in flight; replies come back in any order", async () => {
    const delays = Array.from({ length: 300 }, (_, i) => (i * 7919) % 40);
    const results = await Promise.all(delays.map((ms, i) => echo.call("sleep", [ms, `v${i}`])));
    expect(results).toEqual(delays.map((_, i) => `v${i}`));
  });

  it("coalesces the frames of one callback into writes of BATCH_FLUSH_FRAMES frames", async () => {
    const before = (await echo.call("reads", [])) as number;
    // 50 calls (within the default cap of 64 in flight) go out in ceil(50 / 16) = 4 writes, then one
    // for the second `reads` call; the kernel may merge writes (fewer reads), or split one.
    await Promise.all(Array.from({ length: 50 }, (_, i) => echo.call("echo", [i])));
    const after = (await echo.call("reads", [])) as number;
    expect(after - before).toBeLessThanOrEqual(Math.ceil(50 / BATCH_FLUSH_FRAMES) + 2);
  });

  it("round-trips binary payloads as bytes", async () => {
    const big = randomBytes(1024 * 1024);
    const small = new Uint8Array([0, 1, 2, 255]);
    const value = (await echo.call("echo", [{ big, nested: [small, { empty: new Uint8Array(0) }], text: "ok" }])) as Record<string, unknown>;
    expect(value.big).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(value.big as Uint8Array, big)).toBe(0);
    expect(value.nested).toEqual([small, { empty: new Uint8Array(0) }]);
    expect(value.text).toBe("ok");
  });

  it("a passed deadline fails the call with PLUGIN_TIMEOUT and the plugin sees the cancel", async () => {
    const started = Date.now();
    const error = await rejection(echo.call("sleep", [10_000], { timeoutMs: 150 }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error.code).toBe("PLUGIN_TIMEOUT");
    expect(error.message).toBe("plugin echo-plugin: test.echo.main sleep(): no answer within its deadline of 150 ms");
    const cancels = (await echo.call("cancels", [])) as { reason: string }[];
    expect(cancels.at(-1)).toMatchObject({ reason: "deadline" });
  });

  it("an aborted signal cancels the call: CALL_CANCELLED, and a cancel frame", async () => {
    const controller = new AbortController();
    const call = echo.call("sleep", [10_000], { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(call)).code).toBe("CALL_CANCELLED");
    const cancels = (await echo.call("cancels", [])) as { reason: string }[];
    expect(cancels.at(-1)).toMatchObject({ reason: "cancelled" });
  });

  it("a method that throws: PLUGIN_CALL_FAILED with its message; an unknown method: PLUGIN_TARGET_UNKNOWN", async () => {
    const failed = await rejection(echo.call("fail", ["it broke"]));
    expect(failed.code).toBe("PLUGIN_CALL_FAILED");
    expect(failed.message).toBe("plugin echo-plugin: test.echo.main fail(): it broke");
    expect((await rejection(echo.call("nope", []))).code).toBe("PLUGIN_TARGET_UNKNOWN");
  });

  it("re-emits the plugin's stderr and stdout lines under its logger", async () => {
    const pid = await echo.call("pid", []);
    await echo.call("log", ["stderr", `${JSON.stringify({ level: 50, time: 1, msg: "structured", user: "ann" })}\nplain on stderr\r\n`]);
    await echo.call("log", ["stdout", "a stray print\n"]);
    const ours = () => records().filter((r) => r.pid === pid && r.stream);
    await expect.poll(() => ours().length, { timeout: 2_000 }).toBeGreaterThanOrEqual(3);
    expect(ours()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 50, msg: "structured", user: "ann", plugin: "echo-plugin", stream: "stderr" }),
        expect.objectContaining({ level: 40, msg: "plain on stderr", plugin: "echo-plugin", stream: "stderr" }),
        expect.objectContaining({ level: 30, msg: "a stray print", plugin: "echo-plugin", stream: "stdout" }),
      ]),
    );
  });

  it("logs one debug line per call and counts calls, errors and latency", async () => {
    await echo.call("echo", ["measured"]);
    const line = records().findLast((r) => r.msg === "plugin call" && r.method === "echo");
    expect(line).toMatchObject({ level: 20, plugin: "echo-plugin", module: "test.echo.main", outcome: "ok" });
    expect(typeof line?.latencyMs).toBe("number");
    const stats = pool.stats();
    expect(stats.calls).toBeGreaterThan(350);
    expect(stats.errorsByCode).toMatchObject({ PLUGIN_TIMEOUT: 1, CALL_CANCELLED: 1, PLUGIN_CALL_FAILED: 1, PLUGIN_TARGET_UNKNOWN: 1 });
    expect(stats.latencyMs.p50).toBeGreaterThan(0);
    expect(stats.latencyMs.p99).toBeGreaterThanOrEqual(stats.latencyMs.p50);
    const calls = events.filter((e) => e.type === "call");
    expect(calls.length).toBe(stats.calls);
    expect(calls.at(-1)).toMatchObject({ type: "call", plugin: "echo-plugin", module: "test.echo.main", method: "echo", outcome: "ok" });
  });
});

describe("concurrency and overload", () => {
  it("never runs more calls than the plugin's maxConcurrentCalls; a full queue rejects at once with PLUGIN_OVERLOADED", async () => {
    await using capped = createPluginPool(nodePlugin("echo-plugin.mjs", { env: { FIXTURE_MAX_CONCURRENT: "2" }, maxQueuedCalls: 3 }), { logger });
    await capped.start();
    const instance = await capped.createInstance("test.echo.main", {});
    const accepted = Array.from({ length: 5 }, (_, i) => instance.call("sleep", [100, i]));
    const started = Date.now();
    const overloaded = await rejection(instance.call("echo", ["one too many"]));
    expect(Date.now() - started).toBeLessThan(50);
    expect(overloaded.code).toBe("PLUGIN_OVERLOADED");
    expect(overloaded.message).toMatch(/2 calls in flight and 3 queued/);
    expect(await Promise.all(accepted)).toEqual([0, 1, 2, 3, 4]);
    expect(await instance.call("peak", [])).toBe(2);
  });

  it("a call larger than the plugin's maxFrameBytes fails locally with FRAME_TOO_LARGE; the connection goes on", async () => {
    await using small = createPluginPool(nodePlugin("echo-plugin.mjs", { env: { FIXTURE_MAX_FRAME: "65536" } }), { logger });
    await small.start();
    const instance = await small.createInstance("test.echo.main", {});
    const error = await rejection(instance.call("echo", [new Uint8Array(70_000)]));
    expect(error.code).toBe("FRAME_TOO_LARGE");
    expect(error.message).toContain("more than the receiver's maximum of 65536");
    await expect(instance.call("echo", ["fine"])).resolves.toBe("fine");
  });

  it("respects backpressure: while the plugin does not read, later calls wait in the queue, not in memory buffers", async () => {
    await using slow = createPluginPool(nodePlugin("echo-plugin.mjs"), { logger });
    await slow.start();
    const instance = await slow.createInstance("test.echo.main", {});
    await instance.call("pauseReading", [400]);
    const payload = new Uint8Array(256 * 1024);
    const first = Array.from({ length: 8 }, () => instance.call("size", [payload]));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const later = Array.from({ length: 8 }, () => instance.call("size", [payload]));
    expect(slow.stats().processes[0]).toMatchObject({ queued: 8 });
    expect(await Promise.all([...first, ...later])).toEqual(Array.from({ length: 16 }, () => payload.length));
    expect(slow.stats().processes[0]).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it("a pool sends each call to the least-loaded process", async () => {
    await using three = createPluginPool(nodePlugin("echo-plugin.mjs", { processes: 3 }), { logger });
    await three.start();
    const instance = await three.createInstance("test.echo.main", {});
    const pids = (await Promise.all(Array.from({ length: 9 }, () => instance.call("pidAfter", [150])))) as number[];
    const perPid = new Map<number, number>();
    for (const pid of pids) perPid.set(pid, (perPid.get(pid) ?? 0) + 1);
    expect([...perPid.values()]).toEqual([3, 3, 3]);
    // Two processes busy with a long call each: the next call goes to the idle third.
    const long = [instance.call("pidAfter", [300]), instance.call("pidAfter", [300])];
    const short = (await instance.call("pidAfter", [10])) as number;
    const longPids = (await Promise.all(long)) as number[];
    expect(new Set(longPids).size).toBe(2);
    expect(longPids).not.toContain(short);
    expect(three.stats().pids).toHaveLength(3);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { createExecPluginPool, defaultLaunchTools } from "../../src/index.ts";
import type { ExecPluginOptions, PluginPool, RemoteInstance } from "../../src/index.ts";
import { fixture, isAlive, memoryLogger, rejection, waitFor } from "../subprocess/helpers.ts";

const pools: PluginPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
});

/** A started exec pool of the spec-only fixture, and one instance of its module. */
async function start(overrides: Partial<ExecPluginOptions> = {}) {
  const { logger, records } = memoryLogger();
  const pool = createExecPluginPool({ name: "exec-fixture", command: process.execPath, args: [fixture("exec-plugin.mjs")], timeoutMs: 5_000, ...overrides }, { logger });
  pools.push(pool);
  const handshake = await pool.start();
  const instance: RemoteInstance = await pool.createInstance("test.exec.echo", { prefix: "p:" }, { path: "routes[0].handle" });
  return { pool, handshake, instance, records };
}

/** process.kill(pid, 0) throws ESRCH once the process is gone (and reaped). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** The pids the fixture's `sleep` logged: the plugin's and its `sleep 60` child's. */
async function sleepingPids(records: () => { msg: string; pid?: unknown; child?: unknown }[]): Promise<{ pid: number; child: number }> {
  await waitFor(() => records().some((r) => r.msg === "sleeping"), "the fixture to log its child");
  const record = records().find((r) => r.msg === "sleeping")!;
  return { pid: record.pid as number, child: record.child as number };
}

describe("exec plugins: one process per call", () => {
  it("answers a call with a binary payload byte-exact, logs stderr under { plugin, pid } and counts it", async () => {
    const { pool, handshake, instance, records } = await start({ memoryLimitMb: 64 });
    expect(records().find((r) => r.msg === "exec plugin ready")).toMatchObject({ plugin: "exec-fixture", pdeathsig: defaultLaunchTools().setpriv !== undefined, memoryCap: "max-old-space-size" });
    expect(handshake.modules).toEqual([{ id: "test.exec.echo", methods: ["echo", "sleep", "crash", "garbage", "extra", "silent"] }]);
    const body = new Uint8Array(70_000).map((_, i) => (i * 31 + 7) % 256);
    const value = (await instance.call("echo", [{ body }])) as { body: Uint8Array; method: string };
    expect(value.method).toBe("echo");
    expect(value.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(value.body).equals(Buffer.concat([Buffer.from("p:"), body]))).toBe(true);

    const line = records().find((r) => r.msg === "call received")!;
    expect(line).toMatchObject({ plugin: "exec-fixture", stream: "stderr", method: "echo" });
    expect(typeof line.pid).toBe("number");
    expect(line.deadlineMs).toBeGreaterThan(4_000);
    expect(line.execArgv).toEqual(["--max-old-space-size=64"]);
    expect(gone(line.pid as number)).toBe(true);

    const stats = pool.stats();
    expect(stats).toMatchObject({ plugin: "exec-fixture", placement: "exec", version: "1.0.0", state: "ready", calls: 1, errors: 0, pids: [] });
    expect(stats.processes).toEqual([expect.objectContaining({ slot: 0, pid: line.pid, inFlight: 0, queued: 0 })]);
  });

  it("fails a bad config at create with CONFIG_INVALID and the full path, before any call", async () => {
    const { pool } = await start();
    const error = await rejection(pool.createInstance("test.exec.echo", { prefix: 7 }, { path: "routes[1].handle" }));
    expect(error).toMatchObject({ code: "CONFIG_INVALID", diagnostics: [expect.objectContaining({ path: "routes[1].handle.prefix", message: "expected a string" })] });
    expect(error.message).toContain("plugin exec-fixture: create test.exec.echo: invalid config for module test.exec.echo");
  });

  it("kills the process group at the timeout: PLUGIN_TIMEOUT naming plugin, module, method and the timeout, no process left", async () => {
    const { instance, records } = await start();
    const started = Date.now();
    const error = await rejection(instance.call("sleep", [30_000], { timeoutMs: 800 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ code: "PLUGIN_TIMEOUT" });
    expect(error.message).toMatch(/^plugin exec-fixture: test\.exec\.echo sleep\(\): no answer within 800 ms \(exec timeoutMs\); its process \(pid \d+\) and the process group were killed/);
    const { pid, child } = await sleepingPids(records);
    expect(gone(pid)).toBe(true);
    // The grandchild is reaped by init, not by us: wait until it is no longer alive (zombies do not count).
    await waitFor(() => !isAlive(child), `sleep child ${child} to be gone`);
  });

  it("a nonzero exit before the answer is PLUGIN_CRASHED with the exit code and the last stderr lines", async () => {
    const { instance } = await start();
    const error = await rejection(instance.call("crash", [3]));
    expect(error).toMatchObject({ code: "PLUGIN_CRASHED" });
    expect(error.message).toMatch(/test\.exec\.echo crash\(\): the process \(pid \d+\) exited with code 3 before it answered; its last stderr lines:/);
    expect(error.message).toContain("| something went badly wrong");
  });

  it("anything but frames on stdout is PROTOCOL_ERROR: a stray print, a frame after the answer, no answer at all", async () => {
    const { instance, pool } = await start();
    const garbage = await rejection(instance.call("garbage", []));
    expect(garbage).toMatchObject({ code: "PROTOCOL_ERROR" });
    expect(garbage.message).toMatch(/garbage\(\): the process \(pid \d+\) wrote something on stdout that is not protocol v1 frames: .*print logs to stderr/s);
    const extra = await rejection(instance.call("extra", []));
    expect(extra).toMatchObject({ code: "PROTOCOL_ERROR" });
    expect(extra.message).toContain("after its last reply");
    const silent = await rejection(instance.call("silent", []));
    expect(silent.message).toMatch(/silent\(\): the process \(pid \d+\) exited with code 0 without answering \(no reply on stdout\)/);
    expect(pool.stats()).toMatchObject({ calls: 3, errors: 3, errorsByCode: { PROTOCOL_ERROR: 3 } });
  });

  it("the caller's AbortSignal kills the process: CALL_CANCELLED", async () => {
    const { instance, records } = await start();
    const controller = new AbortController();
    const call = instance.call("sleep", [30_000], { signal: controller.signal });
    const { pid } = await sleepingPids(records);
    controller.abort();
    const error = await rejection(call);
    expect(error).toMatchObject({ code: "CALL_CANCELLED" });
    expect(error.message).toContain(`cancelled by the caller; its process (pid ${pid}) and the process group were killed`);
    expect(gone(pid)).toBe(true);
  });

  it("runs at most maxConcurrent processes, queues maxQueued calls, and refuses the rest with PLUGIN_OVERLOADED", async () => {
    const { instance, pool } = await start({ maxConcurrent: 1, maxQueued: 1 });
    const first = instance.call("sleep", [400]);
    const second = instance.call("echo", [{ body: new Uint8Array([1]) }]);
    const third = await rejection(instance.call("echo", [{ body: new Uint8Array([2]) }]));
    expect(third).toMatchObject({ code: "PLUGIN_OVERLOADED" });
    expect(third.message).toBe(
      "plugin exec-fixture: test.exec.echo echo(): 1 processes run (exec maxConcurrent 1) and 1 calls wait (exec maxQueued 1); try again later",
    );
    expect(pool.stats().processes[0]).toMatchObject({ inFlight: 1, queued: 1 });
    expect(await first).toBe("slept");
    expect(await second).toMatchObject({ method: "echo" });
  });

  it("after stop, calls fail with PLUGIN_STOPPING", async () => {
    const { instance, pool } = await start();
    await pool.stop();
    expect(await rejection(instance.call("echo", [{ body: new Uint8Array() }]))).toMatchObject({ code: "PLUGIN_STOPPING" });
    expect(pool.stats().state).toBe("stopped");
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPluginPool } from "../../src/index.ts";
import type { PluginPool, RemoteInstance, SubprocessPluginOptions } from "../../src/index.ts";
import { isAlive, memoryLogger, nodePlugin, rejection, waitFor, waitGone } from "./helpers.ts";

const { logger, records } = memoryLogger();
let neighbour: PluginPool;
let neighbourEcho: RemoteInstance;
const started: PluginPool[] = [];

/** Starts the faulty plugin with one instance; the pool is stopped after the test. */
async function faulty(overrides: Partial<SubprocessPluginOptions> = {}, file = "faulty-plugin.mjs", module = "test.faulty.main") {
  const pool = createPluginPool(nodePlugin(file, overrides), { logger });
  started.push(pool);
  await pool.start();
  const instance = await pool.createInstance(module, {});
  const pid = pool.stats().pids[0]!;
  return { pool, instance, pid };
}

/** After a fault: the old process is gone, the pool restarts it, and the neighbour never noticed. */
async function expectRecovered(pool: PluginPool, instance: RemoteInstance, oldPid: number) {
  await waitGone(oldPid, 3_000);
  await waitFor(() => pool.stats().state === "ready" && pool.stats().pids[0] !== oldPid, "a restarted process", 5_000);
  await expect(instance.call("ok", ["again"])).resolves.toBe("again");
  await expect(neighbourEcho.call("echo", ["unaffected"])).resolves.toBe("unaffected");
}

beforeAll(async () => {
  neighbour = createPluginPool(nodePlugin("echo-plugin.mjs"), { logger });
  await neighbour.start();
  neighbourEcho = await neighbour.createInstance("test.echo.main", {});
});
afterEach(async () => {
  const pools = started.splice(0);
  const pids = pools.flatMap((pool) => pool.stats().processes.map((p) => p.pid ?? 0));
  await Promise.all(pools.map((pool) => pool.stop()));
  for (const pid of pids) if (pid) expect(isAlive(pid), `pid ${pid} left behind`).toBe(false);
});
afterAll(() => neighbour.stop());

describe("a faulty plugin costs one failed call, never the host", () => {
  it("crash mid-call: every in-flight and queued call fails at once with PLUGIN_CRASHED naming the exit code", async () => {
    const { pool, instance, pid } = await faulty({ maxConcurrentCalls: 3 });
    const inFlight = [instance.call("hang", []), instance.call("hang", []), instance.call("crash", [3, 100])];
    const queued = [instance.call("ok", []), instance.call("ok", [])];
    expect(pool.stats().processes[0]).toMatchObject({ inFlight: 3, queued: 2 });
    const t0 = Date.now();
    const errors = await Promise.all([...inFlight, ...queued].map(rejection));
    expect(Date.now() - t0).toBeLessThan(1_500);
    for (const error of errors) {
      expect(error.code).toBe("PLUGIN_CRASHED");
      expect(error.message).toContain(`plugin faulty-plugin (pid ${pid}) exited with code 3`);
      expect(error.message).toContain("  | crashing on purpose with code 3");
    }
    await expectRecovered(pool, instance, pid);
    expect(pool.stats()).toMatchObject({ restarts: 1, crashes: 1 });
  });

  it("hang: the call times out; a plugin that never answers the cancel is restarted", async () => {
    const { pool, instance, pid } = await faulty({ cancelGraceMs: 400 });
    const t0 = Date.now();
    const error = await rejection(instance.call("hang", [], { timeoutMs: 200 }));
    expect(error.code).toBe("PLUGIN_TIMEOUT");
    expect(Date.now() - t0).toBeLessThan(1_000);
    await expectRecovered(pool, instance, pid);
    const crashed = records().find((r) => r.to === "crashed" && r.pid === pid);
    expect(crashed?.reason).toContain("did not answer call request");
  });

  it("a missed health check fails the calls in flight with PLUGIN_TIMEOUT and restarts the process", async () => {
    const { pool, instance, pid } = await faulty({ healthIntervalMs: 100, healthTimeoutMs: 200 });
    await instance.call("deaf", []);
    const error = await rejection(instance.call("hang", [], { timeoutMs: 10_000 }));
    expect(error.code).toBe("PLUGIN_TIMEOUT");
    expect(error.message).toContain("did not answer a health check within 200 ms; it counts as hung and is restarted");
    await expectRecovered(pool, instance, pid);
  });

  it("garbage on the protocol channel: PROTOCOL_ERROR, the process is killed and restarted", async () => {
    const { pool, instance, pid } = await faulty();
    const pending = instance.call("hang", []);
    const error = await rejection(instance.call("garbage", []));
    expect(error.code).toBe("PROTOCOL_ERROR");
    expect(error.message).toMatch(/^plugin faulty-plugin \(pid \d+\) broke protocol v1, so the connection is closed: /);
    expect((await rejection(pending)).code).toBe("PROTOCOL_ERROR");
    await expectRecovered(pool, instance, pid);
  });

  it("a frame announcing more than the host's maximum: FRAME_TOO_LARGE before its body is read", async () => {
    const { pool, instance, pid } = await faulty();
    const error = await rejection(instance.call("huge", []));
    expect(error.code).toBe("FRAME_TOO_LARGE");
    expect(error.message).toContain("announces 4294967295 bytes, more than the maximum of 16777216");
    await expectRecovered(pool, instance, pid);
  });

  it("a result larger than LOOM_PLUGIN_MAX_FRAME_BYTES: FRAME_TOO_LARGE", async () => {
    const { pool, instance, pid } = await faulty({ maxFrameBytes: 65_536 });
    const error = await rejection(instance.call("big", [100_000]));
    expect(error.code).toBe("FRAME_TOO_LARGE");
    await expectRecovered(pool, instance, pid);
  });

  it("a reply for an id not in flight, or of the wrong type: PROTOCOL_ERROR", async () => {
    const { pool, instance, pid } = await faulty();
    const stray = await rejection(instance.call("stray", []));
    expect(stray.code).toBe("PROTOCOL_ERROR");
    expect(stray.message).toContain("a result frame (id 987654) answers no request in flight");
    await expectRecovered(pool, instance, pid);
    const pid2 = pool.stats().pids[0]!;
    const wrong = await rejection(instance.call("wrongType", []));
    expect(wrong.code).toBe("PROTOCOL_ERROR");
    expect(wrong.message).toMatch(/a created frame \(id \d+\) cannot answer a call request/);
    await expectRecovered(pool, instance, pid2);
  });

  it("memory blow-up: a Node plugin with a small heap cap crashes; the call fails with PLUGIN_CRASHED", async () => {
    const { pool, instance, pid } = await faulty({ memoryLimitMb: 32 });
    const error = await rejection(instance.call("oom", [], { timeoutMs: 15_000 }));
    expect(error.code).toBe("PLUGIN_CRASHED");
    expect(error.message).toMatch(/heap out of memory|Reached heap limit/);
    await expectRecovered(pool, instance, pid);
  });
});

describe("output floods block neither side", () => {
  for (const stream of ["stdout", "stderr"] as const) {
    it(`a ${stream} flood (before the handshake and during a call) is read, sampled and counted`, async () => {
      const t0 = Date.now();
      const { pool, instance } = await faulty(
        { args: [nodePlugin("flood-plugin.mjs").args![0]!, stream], env: { FIXTURE_FLOOD_MB: "8" }, output: { maxLinesPerSecond: 200 } },
        "flood-plugin.mjs",
        "test.flood.main",
      );
      expect(Date.now() - t0).toBeLessThan(10_000);
      const [rounds, ok] = await Promise.all([instance.call("flood", [4]), instance.call("ok", [])]);
      expect(rounds).toBeGreaterThan(0);
      expect(ok).toBe("ok");
      await expect(neighbourEcho.call("echo", ["unaffected"])).resolves.toBe("unaffected");
      await waitFor(() => pool.stats().droppedLogLines > 100_000, "dropped lines to be reported", 3_000);
      const pid = pool.stats().pids[0];
      const logged = records().filter((r) => r.pid === pid && r.stream === stream);
      expect(logged.length).toBeLessThan(1_000);
      expect(records().some((r) => r.pid === pid && typeof r.dropped === "number")).toBe(true);
      const cut = logged.find((r) => r.truncated === true);
      expect(cut === undefined || cut.msg.length <= 64 * 1024).toBe(true);
    });
  }
});

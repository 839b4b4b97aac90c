import { afterEach, describe, expect, it } from "vitest";
import { createPluginPool } from "../../src/index.ts";
import type { PluginEvent, PluginPool, SubprocessPluginOptions } from "../../src/index.ts";
import { isAlive, memoryLogger, nodePlugin, rejection, waitFor, waitGone } from "./helpers.ts";

const { logger, records } = memoryLogger();
const started: PluginPool[] = [];

async function echoPool(overrides: Partial<SubprocessPluginOptions> = {}) {
  const pool = createPluginPool(nodePlugin("echo-plugin.mjs", overrides), { logger });
  started.push(pool);
  const events: PluginEvent[] = [];
  pool.subscribe((event) => events.push(event));
  await pool.start();
  const instance = await pool.createInstance("test.echo.main", { greeting: "hello" });
  return { pool, instance, events, states: () => events.flatMap((e) => (e.type === "state" ? [e.to] : [])) };
}

/** Kills the ready process from outside, as a crash would, and waits until the pool noticed. */
async function crash(pool: PluginPool) {
  const pid = pool.stats().pids[0]!;
  process.kill(pid, "SIGKILL");
  await waitGone(pid);
  await waitFor(() => pool.stats().state !== "ready" || pool.stats().pids[0] !== pid, "the crash to be noticed");
  return pid;
}

afterEach(async () => {
  const pools = started.splice(0);
  const pids = pools.flatMap((pool) => pool.stats().processes.map((p) => p.pid ?? 0));
  await Promise.all(pools.map((pool) => pool.stop()));
  for (const pid of pids) if (pid) expect(isAlive(pid), `pid ${pid} left behind`).toBe(false);
});

describe("supervisor", () => {
  it("restarts a crashed process with exponential backoff and replays its instances", async () => {
    const { pool, instance, events, states } = await echoPool({ restart: { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.2 } });
    await instance.lifecycle("provision");
    await instance.lifecycle("validate");
    await instance.lifecycle("start");
    const first = await crash(pool);
    await waitFor(() => pool.stats().state === "ready", "the restart", 3_000);
    const second = await crash(pool);
    await waitFor(() => pool.stats().state === "ready", "the second restart", 3_000);
    expect(states()).toEqual(["starting", "ready", "crashed", "backoff", "starting", "ready", "crashed", "backoff", "starting", "ready"]);
    const delays = events.flatMap((e) => (e.type === "restart" ? [[e.attempt, e.delayMs]] : []));
    expect(delays[0]![0]).toBe(1);
    expect(delays[0]![1]).toBeGreaterThanOrEqual(80);
    expect(delays[0]![1]).toBeLessThanOrEqual(120);
    expect(delays[1]![0]).toBe(2);
    expect(delays[1]![1]).toBeGreaterThanOrEqual(160);
    expect(delays[1]![1]).toBeLessThanOrEqual(240);
    // The new process has the instance again, with its config and lifecycle replayed.
    expect(await instance.call("config", [])).toEqual({ greeting: "hello" });
    expect(await instance.call("events", [])).toEqual(["i1:provision", "i1:validate", "i1:start"]);
    const pid = (await instance.call("pid", [])) as number;
    expect([first, second]).not.toContain(pid);
    expect(pool.stats()).toMatchObject({ restarts: 2, crashes: 2, state: "ready" });
    const crashed = records().find((r) => r.to === "crashed" && r.pid === first);
    expect(crashed).toMatchObject({ level: 40, plugin: "echo-plugin", from: "ready" });
    expect(crashed?.reason).toContain(`plugin echo-plugin (pid ${first}) was killed by SIGKILL`);
  });

  it("opens the circuit after N crashes in the window: calls fail at once until a half-open retry", async () => {
    const { pool, instance, states } = await echoPool({ circuit: { maxCrashes: 2, windowMs: 10_000, cooldownMs: 700 } });
    await crash(pool);
    await waitFor(() => pool.stats().state === "ready", "the restart", 3_000);
    await crash(pool);
    await waitFor(() => pool.stats().state === "failed", "the circuit to open");
    const t0 = performance.now();
    const error = await rejection(instance.call("echo", ["x"]));
    expect(performance.now() - t0).toBeLessThan(20);
    expect(error.code).toBe("PLUGIN_CRASHED");
    expect(error.message).toMatch(/plugin echo-plugin keeps crashing, so its circuit is open: calls fail at once until a retry in 1 s; last error: .*was killed by SIGKILL/);
    await waitFor(() => pool.stats().state === "ready", "the half-open retry", 3_000);
    await expect(instance.call("echo", ["back"])).resolves.toBe("back");
    expect(states().slice(-4)).toEqual(["crashed", "failed", "starting", "ready"]);
    // The successful half-open start closed the circuit: the next crash backs off again.
    await crash(pool);
    await waitFor(() => states().at(-1) !== "crashed", "the next state");
    expect(states().at(-1)).toBe("backoff");
  });

  it("graceful stop drains the calls in flight; later calls fail with PLUGIN_STOPPING", async () => {
    const { pool, instance, states } = await echoPool();
    const pid = pool.stats().pids[0]!;
    const inFlight = [instance.call("sleep", [300, "a"]), instance.call("sleep", [200, "b"]), instance.call("sleep", [100, "c"])];
    await new Promise((resolve) => setTimeout(resolve, 30));
    const stopping = pool.stop();
    expect((await rejection(instance.call("echo", ["late"]))).code).toBe("PLUGIN_STOPPING");
    expect(await Promise.all(inFlight)).toEqual(["a", "b", "c"]);
    await stopping;
    expect(states().slice(-3)).toEqual(["ready", "draining", "stopped"]);
    expect(isAlive(pid)).toBe(false);
    expect(records().some((r) => r.pid === pid && /shutdown received \(deadline \d+ ms, 3 in flight\)/.test(r.msg))).toBe(true);
  });

  it("a plugin that does not exit by the shutdown deadline gets SIGTERM, then SIGKILL", async () => {
    const { pool, instance, states } = await echoPool({ shutdownTimeoutMs: 300, killGraceMs: 300, env: { FIXTURE_IGNORE_SIGTERM: "1" } });
    const pid = pool.stats().pids[0]!;
    const stuck = instance.call("sleep", [60_000]);
    const t0 = Date.now();
    await pool.stop();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(isAlive(pid)).toBe(false);
    const error = await rejection(stuck);
    expect(error.code).toBe("PLUGIN_STOPPING");
    expect(states().slice(-4)).toEqual(["ready", "draining", "stopping", "stopped"]);
    expect(records().find((r) => r.pid === pid && r.signal)).toMatchObject({ signal: "SIGKILL" });
  });

  it("stop during a backoff cancels the restart and leaves nothing behind", async () => {
    const { pool, states } = await echoPool({ restart: { initialDelayMs: 300 } });
    await crash(pool);
    await pool.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(states().slice(-3)).toEqual(["crashed", "backoff", "stopped"]);
    expect(pool.stats().pids).toEqual([]);
  });

  it("health checks keep a healthy plugin ready", async () => {
    const { pool, instance } = await echoPool({ healthIntervalMs: 50, healthTimeoutMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(pool.stats()).toMatchObject({ state: "ready", restarts: 0, crashes: 0 });
    await expect(instance.call("echo", ["ok"])).resolves.toBe("ok");
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryLogger, rejection, waitGone } from "../subprocess/helpers.ts";
import { ECHO_CONFIG, ECHO_PLUGIN, createEcho, echoPluginDir, newEchoLoader } from "./echo-plugin-folder.ts";

const root = mkdtempSync(join(tmpdir(), "loom-limits-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("per-plugin limits from the host (prepare's `limits`)", () => {
  it("win over plugin.json: the host's call deadline travels to the plugin, then fails the call with PLUGIN_TIMEOUT and cancels it", async () => {
    const dir = echoPluginDir(root, "timeout", { callTimeoutMs: 30_000 });
    const { logger } = memoryLogger("info");
    await using loader = newEchoLoader(logger);
    await loader.prepare(ECHO_CONFIG, [dir], { limits: { [ECHO_PLUGIN]: { callTimeoutMs: 200 } } });
    await loader.commit();
    const echo = await createEcho(loader, logger);

    const deadline = (await echo.deadline!()) as number;
    expect(deadline).toBeGreaterThan(100);
    expect(deadline).toBeLessThanOrEqual(200);

    const started = performance.now();
    const error = await rejection(echo.sleep!(10_000));
    const elapsed = performance.now() - started;
    expect(error.code).toBe("PLUGIN_TIMEOUT");
    expect(error.message).toBe("plugin echo-plugin: test.echo.main sleep(): no answer within its deadline of 200 ms");
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2_000);
    expect(await echo.cancels!()).toEqual([expect.objectContaining({ reason: "deadline" })]);
  });

  it("set the pool size, memory cap and frame size: two processes share the calls", async () => {
    const dir = echoPluginDir(root, "pool", { processes: 1 });
    const { logger } = memoryLogger("info");
    await using loader = newEchoLoader(logger);
    await loader.prepare(ECHO_CONFIG, [dir], { limits: { [ECHO_PLUGIN]: { processes: 2, memoryLimitMb: 64, maxFrameBytes: 65_536 } } });
    await loader.commit();
    const [stats] = loader.stats();
    expect(stats?.pids).toHaveLength(2);
    expect(new Set(stats?.pids).size).toBe(2);
    const echo = await createEcho(loader, logger);
    // Least-loaded dispatch: two calls at once go to the two processes.
    const answered = await Promise.all([echo.pidAfter!(150), echo.pidAfter!(150)]);
    expect(new Set(answered)).toEqual(new Set(stats?.pids));
    expect(await echo.execArgv!()).toContain("--max-old-space-size=64");
    expect(await echo.env!("LOOM_PLUGIN_MAX_FRAME_BYTES")).toBe("65536");
  });

  it("cap the calls in flight and the queue: one call beyond both fails with PLUGIN_OVERLOADED", async () => {
    const dir = echoPluginDir(root, "overload");
    const { logger } = memoryLogger("info");
    await using loader = newEchoLoader(logger);
    await loader.prepare(ECHO_CONFIG, [dir], { limits: { [ECHO_PLUGIN]: { maxConcurrentCalls: 2, maxQueuedCalls: 1 } } });
    await loader.commit();
    const echo = await createEcho(loader, logger);
    const calls = [1, 2, 3, 4].map((i) => echo.sleep!(200, i).then((value) => ({ value }), (error: Error & { code?: string }) => ({ code: error.code })));
    expect(await Promise.all(calls)).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }, { code: "PLUGIN_OVERLOADED" }]);
    expect(await echo.peak!()).toBe(2);
  });

  it("are part of a plugin's identity: a reload with changed limits restarts it, one with the same limits keeps its process", async () => {
    const dir = echoPluginDir(root, "reload");
    const { logger } = memoryLogger("info");
    await using loader = newEchoLoader(logger);
    const load = async (limits: Record<string, number> | undefined) => {
      await loader.prepare(ECHO_CONFIG, [dir], limits ? { limits: { [ECHO_PLUGIN]: limits } } : {});
      await loader.commit();
      const pids = loader.stats()[0]?.pids ?? [];
      expect(pids).toHaveLength(1);
      return pids[0]!;
    };
    const first = await load({ callTimeoutMs: 1_000, maxQueuedCalls: 8 });
    // Same limits, keys in another order: the same plugin.
    expect(await load({ maxQueuedCalls: 8, callTimeoutMs: 1_000 })).toBe(first);
    const changed = await load({ callTimeoutMs: 2_000, maxQueuedCalls: 8 });
    expect(changed).not.toBe(first);
    await waitGone(first);
    const echo = await createEcho(loader, logger);
    const deadline = (await echo.deadline!()) as number;
    expect(deadline).toBeGreaterThan(1_000);
    expect(deadline).toBeLessThanOrEqual(2_000);
    const unlimited = await load(undefined);
    expect(unlimited).not.toBe(changed);
    await waitGone(changed);
  });

  it("naming a plugin no plugin dir provides is a warning, not an error", async () => {
    const dir = echoPluginDir(root, "unknown");
    const { logger, records } = memoryLogger("info");
    await using loader = newEchoLoader(logger);
    await loader.prepare(ECHO_CONFIG, [dir], { limits: { "echo-plugn": { processes: 2 } } });
    await loader.commit();
    expect(loader.stats()[0]?.pids).toHaveLength(1);
    const warning = records().find((r) => r.msg.startsWith("limits are set for a plugin no plugin dir provides"));
    expect(warning).toMatchObject({ level: 40, plugin: "echo-plugn", dirs: [dir], known: [ECHO_PLUGIN] });
  });
});

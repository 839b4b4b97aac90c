import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PluginEvent } from "../../src/index.ts";
import { memoryLogger, rejection, waitFor } from "../subprocess/helpers.ts";
import { ECHO_CONFIG, createEcho, echoPluginDir, newEchoLoader } from "./echo-plugin-folder.ts";

const root = mkdtempSync(join(tmpdir(), "loom-subscribe-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const calls = (events: PluginEvent[]) =>
  events.flatMap((e) => (e.type === "call" ? [{ plugin: e.plugin, module: e.module, method: e.method, outcome: e.outcome }] : []));

describe("loader.subscribe", () => {
  it("delivers call events with their outcome, of plugins started before and after subscribing, until unsubscribed", async () => {
    const dir = echoPluginDir(root, "calls");
    const { logger, records } = memoryLogger("info");
    await using loader = newEchoLoader(logger);
    const early: PluginEvent[] = [];
    const offEarly = loader.subscribe((event) => early.push(event));
    await loader.prepare(ECHO_CONFIG, [dir]);
    await loader.commit();
    const late: PluginEvent[] = [];
    const offLate = loader.subscribe((event) => late.push(event));
    const offThrowing = loader.subscribe(() => {
      throw new Error("listener bug");
    });
    const echo = await createEcho(loader, logger);

    await echo.provision!();
    expect(await echo.echo!("hi")).toBe("hi");
    expect((await rejection(echo.fail!("nope"))).code).toBe("PLUGIN_CALL_FAILED");
    const expected = [
      { plugin: "echo-plugin", module: "test.echo.main", method: "provision", outcome: "ok" },
      { plugin: "echo-plugin", module: "test.echo.main", method: "echo", outcome: "ok" },
      { plugin: "echo-plugin", module: "test.echo.main", method: "fail", outcome: "PLUGIN_CALL_FAILED" },
    ];
    expect(calls(early)).toEqual(expected);
    expect(calls(late)).toEqual(expected);
    const echoed = early.find((e) => e.type === "call" && e.method === "echo");
    expect(echoed?.type === "call" && echoed.latencyMs).toBeGreaterThan(0);
    expect(records().filter((r) => r.msg === "a plugin event listener threw")).toHaveLength(3);

    offEarly();
    offEarly();
    await echo.echo!("only late");
    expect(calls(early)).toHaveLength(3);
    expect(calls(late)).toHaveLength(4);

    offLate();
    offThrowing();
    await echo.echo!("nobody");
    expect(calls(late)).toHaveLength(4);
    // The pool's own counters go on without listeners.
    expect(loader.stats()[0]?.calls).toBe(5);
  });

  it("delivers a plugin's first start to a listener subscribed before the config was prepared", async () => {
    const dir = echoPluginDir(root, "first-start");
    const { logger } = memoryLogger("info");
    await using loader = newEchoLoader(logger);
    const events: PluginEvent[] = [];
    loader.subscribe((event) => events.push(event));
    await loader.prepare(ECHO_CONFIG, [dir]);
    await loader.commit();
    const states = events.flatMap((e) => (e.type === "state" ? [`${e.from}->${e.to}`] : []));
    expect(states).toContain("starting->ready");
    expect(events.find((e) => e.type === "state" && e.to === "ready")).toMatchObject({ plugin: "echo-plugin", pid: loader.stats()[0]?.pids[0] });
  });

  it("delivers process state changes and restarts", async () => {
    const dir = echoPluginDir(root, "states", { restart: { initialDelayMs: 50, maxDelayMs: 400, jitter: 0.2 } });
    const { logger } = memoryLogger("info");
    await using loader = newEchoLoader(logger);
    await loader.prepare(ECHO_CONFIG, [dir]);
    await loader.commit();
    const events: PluginEvent[] = [];
    loader.subscribe((event) => events.push(event));
    const [pid] = loader.stats()[0]?.pids ?? [];
    process.kill(pid!, "SIGKILL");
    await waitFor(() => events.some((e) => e.type === "state" && e.to === "ready"), "the restarted process to be ready", 5_000);
    const states = events.flatMap((e) => (e.type === "state" ? [`${e.from}->${e.to}`] : []));
    expect(states).toEqual(["ready->crashed", "crashed->backoff", "backoff->starting", "starting->ready"]);
    expect(events.find((e) => e.type === "state" && e.to === "crashed")).toMatchObject({ plugin: "echo-plugin", pid });
    expect(events.find((e) => e.type === "restart")).toMatchObject({ plugin: "echo-plugin", attempt: 1 });
    expect(loader.stats()[0]?.pids).not.toEqual([pid]);
  });
});

import { spawnSync } from "node:child_process";
import { PLUGIN_NOT_HOSTED_MESSAGE } from "@loom/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPluginPool, defaultLaunchTools } from "../../src/index.ts";
import type { PluginPool } from "../../src/index.ts";
import { fixture, isAlive, memoryLogger, nodePlugin, rejection, waitGone } from "./helpers.ts";

const { logger, records } = memoryLogger();
let echo: PluginPool;

/** The healthy plugin still answers: a failing one cost the host one failed start, nothing more. */
async function expectHostStillServes() {
  const instance = await echo.createInstance("test.echo.main", {});
  await expect(instance.call("echo", ["still here"])).resolves.toBe("still here");
  await instance.lifecycle("cleanup");
}

/** Starts a plugin expected to fail; returns the error and checks no process is left. */
async function failedStart(file: string, args: string[], overrides = {}) {
  const pool = createPluginPool(nodePlugin(file, { args: [fixture(file), ...args], ...overrides }), { logger });
  const error = await rejection(pool.start());
  const pids = pool.stats().processes.map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
  for (const pid of pids) expect(isAlive(pid), `pid ${pid} is left behind`).toBe(false);
  expect(pool.stats().state).toBe("stopped");
  await expectHostStillServes();
  return error;
}

beforeAll(async () => {
  echo = createPluginPool(nodePlugin("echo-plugin.mjs"), { logger });
  await echo.start();
});
afterAll(() => echo.stop());

describe("launch and handshake", () => {
  it("passes the launch environment and accepts a valid handshake", async () => {
    const handshake = echo.handshake!;
    expect(handshake.plugin).toEqual({ name: "echo-plugin", version: "1.2.3" });
    expect(handshake.modules.map((m) => m.id)).toEqual(["test.echo.main", "http.handlers.echo", "http.handlers.liar"]);
    const instance = await echo.createInstance("test.echo.main", {});
    const env = async (name: string) => instance.call("env", [name]);
    expect(await env("LOOM_PLUGIN_MAGIC_COOKIE")).toBe("7d3f0c52b8e14a69a1c4e2f9b06d8e31");
    expect(await env("LOOM_PLUGIN_PROTOCOL_VERSIONS")).toBe("1");
    expect(await env("LOOM_PLUGIN_CHANNEL")).toBe("fds:3,4");
    expect(await env("LOOM_PLUGIN_MAX_FRAME_BYTES")).toBe("16777216");
    expect(await env("LOOM_PLUGIN_NONCE")).toMatch(/^[0-9a-f]{32}$/);
    const stats = echo.stats();
    expect(stats).toMatchObject({ plugin: "echo-plugin", placement: "subprocess", version: "1.2.3", state: "ready" });
    expect(stats.pids).toEqual([await instance.call("pid", [])]);
    const started = records().find((r) => r.msg === "plugin process started");
    expect(started).toMatchObject({ plugin: "echo-plugin", pid: stats.pids[0], pdeathsig: defaultLaunchTools().setpriv !== undefined });
    await instance.lifecycle("cleanup");
  });

  it("gives every launch a fresh nonce and caps a Node plugin's heap", async () => {
    await using other = createPluginPool(nodePlugin("echo-plugin.mjs", { memoryLimitMb: 64 }), { logger });
    await other.start();
    const a = await echo.createInstance("test.echo.main", {});
    const b = await other.createInstance("test.echo.main", {});
    expect(await a.call("env", ["LOOM_PLUGIN_NONCE"])).not.toBe(await b.call("env", ["LOOM_PLUGIN_NONCE"]));
    expect(await b.call("execArgv", [])).toContain("--max-old-space-size=64");
    expect(await a.call("execArgv", [])).toEqual([]);
    await a.lifecycle("cleanup");
  });

  it.skipIf(!defaultLaunchTools().prlimit)("caps other programs' address space with prlimit", async () => {
    const pool = createPluginPool({ ...nodePlugin("x"), command: "sh", args: ["-c", "echo limit=$(ulimit -v) >&2; exit 5"], memoryLimitMb: 64 }, { logger });
    const error = await rejection(pool.start());
    expect(error.code).toBe("PLUGIN_START_FAILED");
    expect(error.message).toContain(`limit=${64 * 1024}`);
  });

  it("crash at start: PLUGIN_START_FAILED with the exit code and the last stderr lines", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["crash-at-start"]);
    expect(error.code).toBe("PLUGIN_START_FAILED");
    expect(error.message).toMatch(/^plugin bad-start-plugin \(pid \d+\) exited with code 3 before its handshake; its last stderr lines:/);
    expect(error.message).toContain("  | Error: cannot open /etc/bad-start.conf: ENOENT");
  });

  it("exit during the handshake: PLUGIN_START_FAILED", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["half-handshake"]);
    expect(error.code).toBe("PLUGIN_START_FAILED");
    expect(error.message).toContain("exited with code 2 before its handshake");
    expect(error.message).toContain("wrote part of a handshake");
  });

  it("no handshake in time: PLUGIN_START_FAILED, and the silent process is killed", async () => {
    const started = Date.now();
    const error = await failedStart("bad-start-plugin.mjs", ["silent"], { startTimeoutMs: 1_500 });
    expect(error.code).toBe("PLUGIN_START_FAILED");
    expect(error.message).toContain("sent no handshake within 1500 ms");
    expect(error.message).toContain("thinking very hard");
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("a handshake with the wrong nonce: HANDSHAKE_FAILED", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["wrong-nonce"]);
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.message).toContain("plugin bad-start@0.0.1 echoed a nonce that is not the one of this launch");
  });

  it("an invalid handshake: HANDSHAKE_FAILED naming each field", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["invalid-handshake"]);
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.message).toContain("sent an invalid handshake");
    expect(error.message).toMatch(/plugin: /);
    expect(error.message).toMatch(/modules: /);
  });

  it("duplicate module IDs: HANDSHAKE_FAILED", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["duplicate-modules"]);
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.message).toContain("announces module a.b twice");
  });

  it("a reply before the handshake: HANDSHAKE_FAILED", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["call-first"]);
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.message).toContain("the first frame must be the handshake, not a result frame (id 1)");
  });

  it("no common version, found by the host: PROTOCOL_VERSION_MISMATCH naming both lists", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["future-only"]);
    expect(error.code).toBe("PROTOCOL_VERSION_MISMATCH");
    expect(error.message).toContain("no common protocol version: the host speaks 1, the plugin speaks 2");
  });

  it("no common version, found by the plugin: its PROTOCOL_VERSION_MISMATCH", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["plugin-detects-mismatch"]);
    expect(error.code).toBe("PROTOCOL_VERSION_MISMATCH");
    expect(error.message).toContain("the host speaks 1, the plugin speaks 7");
  });

  it("a plugin that does not recognise the cookie says it is not hosted and exits 1", async () => {
    const error = await failedStart("bad-start-plugin.mjs", ["wrong-cookie"]);
    expect(error.code).toBe("PLUGIN_START_FAILED");
    expect(error.message).toContain("exited with code 1 before its handshake");
    expect(error.message).toContain(PLUGIN_NOT_HOSTED_MESSAGE);
  });

  it("a fixture run by hand prints the not-hosted message and exits 1", () => {
    const env = { PATH: process.env.PATH };
    for (const file of ["echo-plugin.mjs", "faulty-plugin.mjs"]) {
      const run = spawnSync(process.execPath, [fixture(file)], { env, encoding: "utf8", timeout: 5_000, stdio: ["ignore", "pipe", "pipe"] });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe(PLUGIN_NOT_HOSTED_MESSAGE);
    }
  });

  it("a command that does not exist: PLUGIN_START_FAILED naming it", async () => {
    for (const pdeathsig of [true, false]) {
      const pool = createPluginPool({ name: "ghost", command: "/nonexistent/loom-plugin", pdeathsig }, { logger });
      const error = await rejection(pool.start());
      expect(error.code).toBe("PLUGIN_START_FAILED");
      expect(error.message).toContain("/nonexistent/loom-plugin");
    }
    await expectHostStillServes();
  });

  it("every launched process is gone after stop", async () => {
    const pool = createPluginPool(nodePlugin("echo-plugin.mjs", { processes: 2 }), { logger });
    await pool.start();
    const pids = pool.stats().pids;
    expect(pids).toHaveLength(2);
    await pool.stop();
    for (const pid of pids) await waitGone(pid, 1_000);
    expect(pool.stats().state).toBe("stopped");
  });
});

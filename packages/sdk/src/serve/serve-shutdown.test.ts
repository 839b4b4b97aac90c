import { ErrorCode } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { killAll, startPlugin } from "./test/start-plugin.ts";
import type { PluginProcess } from "./test/start-plugin.ts";

afterEach(killAll);

/** A plugin with a started echo and worker instance; requests from id 1 on. */
async function startServing(): Promise<{ plugin: PluginProcess; send: (message: Record<string, unknown>) => number; worker: string }> {
  const plugin = startPlugin();
  let lastId = 0;
  const send = (message: Record<string, unknown>) => {
    const id = ++lastId;
    plugin.send({ ...message, id } as FrameMessage);
    return id;
  };
  await plugin.waitFor((m) => m.type === "handshake", "handshake");
  const instances: string[] = [];
  for (const [module, config] of [["http.handlers.echo", { prefix: "" }], ["test.jobs.worker", {}]] as const) {
    const created = await plugin.reply(send({ type: "create", module, config }));
    instances.push((created as { instance: string }).instance);
  }
  for (const instance of instances) {
    for (const method of ["provision", "validate", "start"]) {
      expect(await plugin.reply(send({ type: "call", instance, method, args: [], deadlineMs: 5_000 }))).toMatchObject({ type: "result" });
    }
  }
  return { plugin, send, worker: instances[1]! };
}

const messages = (plugin: PluginProcess) => plugin.logs().map((line) => line.msg);

describe("serve: shutdown and lifeline", () => {
  it("shutdown refuses new work, finishes the call in flight, stops and cleans up, and exits 0", async () => {
    const { plugin, send, worker } = await startServing();
    const slow = send({ type: "call", instance: worker, method: "sleep", args: [400, "finished"], deadlineMs: 5_000 });
    plugin.send({ type: "shutdown", id: 0, deadlineMs: 5_000 });
    // Frames that arrive after the shutdown was handled are still read and answered.
    await expect.poll(() => messages(plugin)).toContain("shutting down: the host asked");
    const refused = send({ type: "call", instance: worker, method: "sleep", args: [0], deadlineMs: 5_000 });
    const refusedCreate = send({ type: "create", module: "test.jobs.worker", config: {} });
    const health = send({ type: "health" });
    expect(await plugin.reply(refused)).toMatchObject({ type: "error", code: ErrorCode.PLUGIN_STOPPING });
    expect(await plugin.reply(refusedCreate)).toMatchObject({ type: "error", code: ErrorCode.PLUGIN_STOPPING });
    expect(await plugin.reply(health)).toEqual({ type: "health-ok", id: health, inFlight: 1 });
    expect(await plugin.reply(slow)).toEqual({ type: "result", id: slow, value: "finished" });
    expect(await plugin.exited).toEqual({ code: 0, signal: null });
    // Instances stop, then clean up, last created first; cleanup sees its context signal aborted.
    expect(messages(plugin).filter((msg) => /stopped|cleaned up/.test(String(msg)))).toEqual([
      "worker stopped",
      "worker cleaned up",
      "echo stopped",
      "echo cleaned up",
    ]);
    expect(plugin.logs().find((line) => line.msg === "echo cleaned up")).toMatchObject({ aborted: true });
  });

  it("a call still running at the shutdown deadline is cancelled, and the plugin exits 0 in time", async () => {
    const { plugin, send, worker } = await startServing();
    const stuck = send({ type: "call", instance: worker, method: "waitForAbort", args: [], deadlineMs: 60_000 });
    await plugin.reply(send({ type: "call", instance: worker, method: "sleep", args: [0], deadlineMs: 5_000 }));
    const started = Date.now();
    plugin.send({ type: "shutdown", id: 0, deadlineMs: 600 });
    expect(await plugin.reply(stuck)).toMatchObject({ code: ErrorCode.CALL_CANCELLED, message: "the plugin shut down before the call finished" });
    expect(await plugin.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("end-of-file on stdin (the lifeline) shuts the plugin down: cleanup runs and it exits", async () => {
    const { plugin } = await startServing();
    plugin.closeLifeline();
    expect(await plugin.exited).toEqual({ code: 0, signal: null });
    expect(messages(plugin)).toEqual(expect.arrayContaining(["worker cleaned up", "echo cleaned up"]));
    expect(String(messages(plugin).find((msg) => String(msg).startsWith("shutting down")))).toContain("stdin");
  });

  it("end-of-file on the channel means the same", async () => {
    const { plugin } = await startServing();
    plugin.closeChannel();
    expect(await plugin.exited).toEqual({ code: 0, signal: null });
    expect(messages(plugin)).toContain("worker cleaned up");
  });
});

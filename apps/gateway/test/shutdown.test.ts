import { startGateway } from "@loom/testkit";
import { describe, expect, it } from "vitest";
import { FIXTURE_PLUGIN } from "./fixtures.ts";

const slowConfig = (ms: number, shutdownTimeoutMs: number) => ({
  shutdownTimeoutMs,
  routes: [{ match: { path: ["/slow"] }, handle: { handler: "slow", ms } }, { handle: { handler: "respond", body: "fast\n" } }],
});

describe("graceful shutdown", () => {
  it("on SIGTERM stops accepting, finishes in-flight requests, stops modules and exits 0", async () => {
    const gw = await startGateway({ plugins: [FIXTURE_PLUGIN], config: slowConfig(800, 5_000) });
    const inflight = fetch(`${gw.url}/slow`).then(async (res) => [res.status, await res.text()]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = gw.stop("SIGTERM");
    await gw.waitForLog((l) => l.msg === "shutting down");
    await expect(fetch(`${gw.url}/`)).rejects.toThrow();
    expect(await inflight).toEqual([200, "slept 800\n"]);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(gw.logs().some((l) => l.msg === "gateway stopped")).toBe(true);
  });

  it("closes requests still running at the deadline and exits 0", async () => {
    const gw = await startGateway({ plugins: [FIXTURE_PLUGIN], config: slowConfig(30_000, 300) });
    const inflight = fetch(`${gw.url}/slow`).then(
      (res) => res.status,
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    expect(await gw.stop("SIGINT")).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await inflight).toBe("fetch failed");
  });
});

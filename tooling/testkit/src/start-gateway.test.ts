import { describe, expect, it } from "vitest";
import { runGatewayCli } from "./run-gateway-cli.ts";
import { startGateway } from "./start-gateway.ts";

describe("@loom/testkit", () => {
  it("starts the gateway from sources, serves over real HTTP, collects logs and stops it", async () => {
    const gw = await startGateway({ config: { routes: [{ handle: { handler: "respond", status: 202, body: "kit\n" } }] } });
    const res = await fetch(`${gw.url}/x`);
    expect([res.status, await res.text()]).toEqual([202, "kit\n"]);
    expect(gw.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gw.adminUrl).toBeUndefined();
    await gw.waitForLog((line) => line.component === "access" && line.url === "/x");
    expect(await gw.stop()).toEqual({ code: 0, signal: null });
  });

  it("rejects with the gateway's stderr when it cannot start", async () => {
    await expect(startGateway({ config: { routes: [{ handle: { handler: "nope" } }] } })).rejects.toThrow(
      'routes[0].handle.handler: unknown http.handlers module "nope"',
    );
  });

  it("runs a CLI command and returns its exit code and output", async () => {
    const result = await runGatewayCli(["version", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: "gateway" });
  });
});

import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "@loom/testkit";
import type { StartedGateway } from "@loom/testkit";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));

let gw: StartedGateway;

beforeAll(async () => {
  gw = await startGateway({
    plugins: [PLUGIN_DIR],
    config: {
      routes: [
        {
          match: { path: ["/a/*"] },
          middleware: [
            {
              middleware: "headers",
              response: {
                remove: ["x-internal-*", "X-Powered-By"],
                set: { "Content-Type": "text/markdown; charset=utf-8", "X-Seen": "{http.request.method} {http.request.uri}" },
                add: { "Set-Cookie": ["b=2", "c=3"], Vary: "Accept" },
              },
            },
          ],
          handle: {
            handler: "respond",
            status: 201,
            body: "route a\n",
            headers: {
              "x-internal-id": "7",
              "x-internal-trace": "t",
              "x-powered-by": "respond",
              "x-kept": "yes",
              "set-cookie": "a=1",
              vary: "Origin",
            },
          },
        },
        {
          match: { path: ["/b/*"] },
          middleware: [
            { middleware: "headers", response: { set: { "X-Route": "b", "X-Host": "{http.request.host}", "X-Remote": "{http.request.remote}" } } },
            { middleware: "headers", response: { set: { "X-Route": "b-inner" }, add: { "X-Chain": "inner" } } },
          ],
          handle: { handler: "respond", body: "route b\n" },
        },
      ],
    },
  });
});

afterAll(async () => {
  await gw?.stop();
});

describe("http.middleware.headers through the gateway", () => {
  it("replaces, appends and removes the handler's response headers", async () => {
    const res = await fetch(`${gw.url}/a/page?x=1`);
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("route a\n");
    expect(res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(res.headers.get("x-seen")).toBe("GET /a/page?x=1");
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2", "c=3"]);
    expect(res.headers.get("vary")).toBe("Origin, Accept");
    expect(res.headers.get("x-kept")).toBe("yes");
    for (const name of ["x-internal-id", "x-internal-trace", "x-powered-by"]) expect(res.headers.get(name), name).toBeNull();
  });

  it("applies each route's own middleware, the first listed outermost, with placeholders from the request", async () => {
    const res = await fetch(`${gw.url}/b/x`, { method: "POST", body: "ignored" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("route b\n");
    // The outer middleware edits the response last, so its value wins.
    expect(res.headers.get("x-route")).toBe("b");
    expect(res.headers.get("x-chain")).toBe("inner");
    expect(res.headers.get("x-host")).toBe("127.0.0.1");
    expect(res.headers.get("x-remote")).toBe("127.0.0.1");
    // Route a's changes do not leak into route b.
    expect(res.headers.get("x-seen")).toBeNull();
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("leaves unmatched paths to the gateway's 404", async () => {
    const res = await fetch(`${gw.url}/c`);
    expect(res.status).toBe(404);
    expect(res.headers.get("x-route")).toBeNull();
    await res.arrayBuffer();
  });
});

import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startGateway } from "@loom/testkit";
import type { StartedGateway } from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const MAX_ATTEMPTS = 20;

let gw: StartedGateway;

beforeAll(async () => {
  gw = await startGateway({
    plugins: [PLUGIN_DIR],
    config: {
      routes: [
        {
          // Slow refill (a token every 5 s), so the burst checks cannot race a refill.
          match: { path: ["/burst/*"] },
          middleware: [{ middleware: "rate_limit", rate: 0.2, burst: 3, key: { header: "x-api-key" } }],
          handle: { handler: "respond", status: 200, body: "ok" },
        },
        {
          match: { path: ["/fast/*"] },
          middleware: [{ middleware: "rate_limit", rate: 20, burst: 2 }],
          handle: { handler: "respond", status: 200, body: "ok" },
        },
      ],
    },
  });
});

afterAll(async () => {
  await gw?.stop();
});

async function get(path: string, apiKey?: string): Promise<Response> {
  const res = await fetch(`${gw.url}${path}`, { headers: apiKey ? { "x-api-key": apiKey } : {} });
  await res.arrayBuffer();
  return res;
}

describe("rate_limit through the gateway", () => {
  it("lets a burst through and answers the next request 429 with Retry-After", async () => {
    const allowed: Response[] = [];
    for (let i = 0; i < 3; i++) allowed.push(await get("/burst/a", "alpha"));
    expect(allowed.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(allowed.map((res) => res.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0"]);
    expect(allowed[0]!.headers.get("ratelimit-limit")).toBe("3");
    expect(Number(allowed[0]!.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);

    const limited = await get("/burst/a", "alpha");
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 5, `Retry-After ${retryAfter}`).toBe(true);
    expect(limited.headers.get("ratelimit-limit")).toBe("3");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(limited.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
  });

  it("does not limit another key, and counts requests without the header against the address", async () => {
    const other = await get("/burst/a", "beta");
    expect(other.status).toBe(200);
    expect(other.headers.get("ratelimit-remaining")).toBe("2");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get("/burst/b")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("lets a request through again after about 1/rate seconds", async () => {
    let limited: Response | undefined;
    for (let i = 0; i < MAX_ATTEMPTS && !limited; i++) {
      const res = await get("/fast/x");
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited?.status).toBe(429);
    expect(limited?.headers.get("retry-after")).toBe("1");
    await sleep(120); // 1/20 s is 50 ms
    const again = await get("/fast/x");
    expect(again.status).toBe(200);
    expect(again.headers.get("ratelimit-limit")).toBe("2");
  });
});

import { fileURLToPath } from "node:url";
import { startGateway } from "@loom/testkit";
import type { StartedGateway } from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "./password-hash.ts";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;

let gw: StartedGateway;

beforeAll(async () => {
  const [alice, jose] = await Promise.all([hashPassword("wonderland"), hashPassword("contrase\u00f1a")]);
  gw = await startGateway({
    plugins: [PLUGIN_DIR],
    config: {
      routes: [
        {
          match: { path: ["/private/*"] },
          middleware: [
            {
              middleware: "basic_auth",
              realm: "loom test",
              accounts: [
                { username: "alice", password: alice },
                { username: "jos\u00e9", password: jose },
              ],
            },
          ],
          handle: { handler: "respond", status: 200, body: "secret stuff" },
        },
        { match: { path: ["/public"] }, handle: { handler: "respond", status: 200, body: "hello" } },
      ],
    },
  });
});

afterAll(async () => {
  await gw?.stop();
});

describe("basic_auth through the gateway", () => {
  it("challenges a request without credentials", async () => {
    const res = await fetch(`${gw.url}/private/a`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="loom test", charset="UTF-8"');
    expect(await res.text()).not.toContain("secret stuff");
  });

  it("lets the right credentials through", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${gw.url}/private/a`, { headers: { authorization: basic("alice", "wonderland") } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("secret stuff");
    }
  });

  it("refuses a wrong password, an unknown user and malformed headers with 401", async () => {
    for (const authorization of [basic("alice", "Wonderland"), basic("bob", "wonderland"), "Basic !!!", `Basic ${btoa("alice")}`, "Bearer x"]) {
      const res = await fetch(`${gw.url}/private/a`, { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="loom test", charset="UTF-8"');
      await res.arrayBuffer();
    }
  });

  it("accepts a UTF-8 user name and password", async () => {
    const res = await fetch(`${gw.url}/private/b`, { headers: { authorization: basic("jos\u00e9", "contrase\u00f1a") } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("secret stuff");
  });

  it("leaves other routes alone", async () => {
    const res = await fetch(`${gw.url}/public`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello");
  });
});

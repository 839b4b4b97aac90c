import type { HttpRequest, HttpResponse } from "@loom/sdk";
import { createTestContext, createTestRequest } from "@loom/sdk/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { basicAuth, BasicAuthConfigSchema } from "./basic-auth.ts";
import { hashPassword } from "./password-hash.ts";

const ctx = createTestContext(basicAuth.id);
const call = { signal: new AbortController().signal };
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const request = (headers: HttpRequest["headers"] = {}) => createTestRequest({ url: "/private", headers });

/** The end of the chain: records what reached it. */
function recorder() {
  const seen: HttpRequest[] = [];
  const next = async (req: HttpRequest): Promise<HttpResponse> => {
    seen.push(req);
    return { status: 200, body: "inside" };
  };
  return { seen, next };
}

let accounts: { username: string; password: string }[];

beforeAll(async () => {
  accounts = [
    { username: "alice", password: await hashPassword("wonderland") },
    { username: "jos\u00e9", password: await hashPassword("contrase\u00f1a") },
  ];
});

async function instance(extra: Record<string, unknown> = {}) {
  const created = await basicAuth.create(BasicAuthConfigSchema.parse({ accounts, ...extra }), ctx);
  await created.provision?.();
  return created;
}

describe("basic_auth", () => {
  it("challenges a request without credentials and does not call next", async () => {
    const auth = await instance({ realm: "staff area" });
    const { seen, next } = recorder();
    const res = await auth.handle(request(), next, call);
    expect(res.status).toBe(401);
    expect(res.headers?.["www-authenticate"]).toBe('Basic realm="staff area", charset="UTF-8"');
    expect(seen).toHaveLength(0);
  });

  it.each([
    ["another scheme", `Bearer ${b64("alice:wonderland")}`],
    ["malformed base64", "Basic %%%"],
    ["a missing colon", `Basic ${b64("alicewonderland")}`],
    ["invalid UTF-8", `Basic ${Buffer.from([0x61, 0x3a, 0xc3]).toString("base64")}`],
    ["a wrong password", `Basic ${b64("alice:Wonderland")}`],
    ["an unknown user", `Basic ${b64("mallory:wonderland")}`],
    ["another account's password", `Basic ${b64("alice:contrase\u00f1a")}`],
  ])("answers 401 for %s", async (_name, authorization) => {
    const auth = await instance();
    const { seen, next } = recorder();
    const res = await auth.handle(request({ authorization }), next, call);
    expect(res.status).toBe(401);
    expect(res.headers?.["www-authenticate"]).toBe('Basic realm="restricted", charset="UTF-8"');
    expect(seen).toHaveLength(0);
  });

  it("passes good credentials on without the Authorization header", async () => {
    const auth = await instance();
    const { seen, next } = recorder();
    const sent = request({ authorization: `Basic ${b64("alice:wonderland")}`, accept: "text/plain" });
    const res = await auth.handle(sent, next, call);
    expect(res).toEqual({ status: 200, body: "inside" });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ ...sent, headers: { accept: "text/plain" } });
  });

  it("keeps the Authorization header when asked to", async () => {
    const auth = await instance({ keepAuthorization: true });
    const { seen, next } = recorder();
    const authorization = `Basic ${b64("alice:wonderland")}`;
    await auth.handle(request({ authorization }), next, call);
    expect(seen[0]!.headers).toEqual({ authorization });
  });

  it("accepts a UTF-8 user name in either normal form, also from the cache", async () => {
    const auth = await instance();
    const { seen, next } = recorder();
    const composed = await auth.handle(request({ authorization: `Basic ${b64("jos\u00e9:contrase\u00f1a")}` }), next, call);
    const decomposed = await auth.handle(request({ authorization: `Basic ${b64("jose\u0301:contrase\u00f1a")}` }), next, call);
    expect([composed.status, decomposed.status]).toEqual([200, 200]);
    expect(seen).toHaveLength(2);
  });

  it("verifies every request when the cache is off", async () => {
    const auth = await instance({ cacheSize: 0 });
    const { seen, next } = recorder();
    const authorization = `Basic ${b64("alice:wonderland")}`;
    for (let i = 0; i < 2; i++) expect((await auth.handle(request({ authorization }), next, call)).status).toBe(200);
    expect(seen).toHaveLength(2);
  });

  it("spends scrypt time on an unknown user, as on a wrong password", async () => {
    const auth = await instance({ cacheSize: 0 });
    const { next } = recorder();
    const time = async (authorization: string) => {
      const samples: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await auth.handle(request({ authorization }), next, call);
        samples.push(performance.now() - start);
      }
      return samples.sort((a, b) => a - b)[1]!;
    };
    const wrongPassword = await time(`Basic ${b64("alice:nope")}`);
    const unknownUser = await time(`Basic ${b64("nobody:nope")}`);
    // Without the dummy hash an unknown user would answer in well under a millisecond.
    expect(unknownUser).toBeGreaterThan(wrongPassword * 0.2);
  });
});

describe("BasicAuthConfigSchema", () => {
  const messages = (value: unknown) => {
    const result = BasicAuthConfigSchema.safeParse(value);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  };

  it("fills defaults", () => {
    expect(BasicAuthConfigSchema.parse({ accounts })).toEqual({ realm: "restricted", accounts, keepAuthorization: false, cacheSize: 1000 });
  });

  it("says how to make a hash when given a plain password", () => {
    const [message] = messages({ accounts: [{ username: "alice", password: "wonderland" }] });
    expect(message).toMatch(/^accounts\.0\.password: invalid password hash: expected "scrypt\$<N>\$<r>\$<p>\$<salt base64>\$<hash base64>"/);
    expect(message).toContain("loom-hash-password");
    expect(message).toContain("hashPassword()");
  });

  it("rejects no accounts, duplicate and colon-bearing user names, a bad realm and unknown keys", () => {
    expect(messages({ accounts: [] })).toEqual(["accounts: accounts must list at least one account"]);
    expect(messages({ accounts: [accounts[0], { ...accounts[1], username: "alice" }] })).toEqual([
      'accounts.1.username: duplicate username "alice"',
    ]);
    expect(messages({ accounts: [{ ...accounts[0], username: "a:b" }] })[0]).toMatch(/^accounts\.0\.username: username must not contain ':'/);
    expect(messages({ accounts, realm: 'say "hi"' })[0]).toMatch(/^realm: realm must be printable ASCII/);
    expect(messages({ accounts, users: [] })[0]).toMatch(/users/);
  });
});

import { describe, expect, expectTypeOf, it } from "vitest";
import { guestSchema } from "./guest-schema.ts";
import type { HttpHandler, HttpMiddleware } from "./http/http-contract.ts";
import { checkResponse } from "./http/check-response.ts";
import { headerValue } from "./http/header-value.ts";
import { httpHandlers, httpMiddleware } from "./http/http-namespaces.ts";
import { jsonResponse, textResponse } from "./http/text-response.ts";
import { defineModule } from "./module.ts";
import * as z from "zod";

const request = { id: "1", method: "GET", url: "/", headers: {}, body: new Uint8Array(), remoteAddress: "127.0.0.1" };
const call = { signal: new AbortController().signal };

describe("@loom/sdk", () => {
  it("infers a module's interface from its ID's namespace", () => {
    const module = defineModule({
      id: "http.handlers.hello",
      configSchema: z.strictObject({ name: z.string() }),
      create: (config) => ({ handle: () => textResponse(200, `hello ${config.name}`) }),
    });
    expectTypeOf(module.create).returns.toExtend<HttpHandler | Promise<HttpHandler>>();
    const middleware = defineModule({
      id: "http.middleware.pass",
      configSchema: z.strictObject({}),
      create: () => ({ handle: (req, next) => next(req) }),
    });
    expectTypeOf(middleware.create).returns.toExtend<HttpMiddleware | Promise<HttpMiddleware>>();
    expect(module.id).toBe("http.handlers.hello");
  });

  it("guards handler results: good responses pass, lies fail with the module named", async () => {
    const good = httpHandlers.guard({ handle: () => jsonResponse(201, { ok: true }) }, "http.handlers.good");
    expect(await good.handle(request, call)).toEqual({
      status: 201,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: '{"ok":true}',
    });
    const bad = httpMiddleware.guard({ handle: () => ({ status: 200, headers: { "x-a": 1 } }) as never }, "http.middleware.bad");
    await expect(async () => bad.handle(request, async () => ({ status: 200 }), call)).rejects.toThrow(
      "module http.middleware.bad returned an invalid HTTP response: headers.x-a: expected a string or an array of strings",
    );
  });

  it("checks a frozen response once, and an unfrozen one every time", () => {
    const frozen = Object.freeze({ status: 200, headers: Object.freeze({ "x-a": "1" }), body: "ok" });
    expect(checkResponse(frozen, "m")).toBe(frozen);
    expect(checkResponse(frozen, "m")).toBe(frozen);
    const open = { status: 200, headers: { "x-a": "1" } as Record<string, string> };
    expect(checkResponse(open, "m")).toEqual(open);
    open.headers["x-a"] = "1\r\nset-cookie: a=b";
    expect(() => checkResponse(open, "m")).toThrow("module m returned an invalid HTTP response: headers.x-a: header values must not contain CR, LF or NUL");
  });

  it("reads the first value of a header case-insensitively", () => {
    expect(headerValue({ accept: "text/html" }, "Accept")).toBe("text/html");
    expect(headerValue({ "set-cookie": ["a=1", "b=2"] }, "set-cookie")).toBe("a=1");
    expect(headerValue(undefined, "x")).toBeUndefined();
  });

  it("describes a guest slot by its namespace's inline key", () => {
    const schema = guestSchema(httpHandlers);
    expect(schema.parse({ handler: "static", root: "." })).toEqual({ handler: "static", root: "." });
    expect(schema.safeParse({ root: "." }).success).toBe(false);
  });
});

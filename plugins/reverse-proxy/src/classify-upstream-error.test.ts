import { describe, expect, it } from "vitest";
import { classifyUpstreamError } from "./classify-upstream-error.ts";

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe("classifyUpstreamError", () => {
  it("retries connection failures for any method", () => {
    expect(classifyUpstreamError(withCode("ECONNREFUSED"), "POST")).toEqual({
      status: 502,
      retryable: true,
      upstreamFault: true,
      code: "ECONNREFUSED",
    });
    expect(classifyUpstreamError(withCode("UND_ERR_CONNECT_TIMEOUT"), "POST").retryable).toBe(true);
  });

  it("retries a broken socket only for idempotent methods", () => {
    expect(classifyUpstreamError(withCode("UND_ERR_SOCKET"), "GET").retryable).toBe(true);
    expect(classifyUpstreamError(withCode("UND_ERR_SOCKET"), "POST").retryable).toBe(false);
  });

  it("answers 504 for a headers timeout without retrying", () => {
    expect(classifyUpstreamError(withCode("UND_ERR_HEADERS_TIMEOUT"), "GET")).toMatchObject({ status: 504, retryable: false });
  });

  it("does not blame the upstream for a request undici rejected", () => {
    expect(classifyUpstreamError(withCode("UND_ERR_INVALID_ARG"), "GET")).toMatchObject({ status: 502, upstreamFault: false });
  });

  it("reads the code of a cause and treats unknown errors as upstream faults", () => {
    expect(classifyUpstreamError(new Error("wrapped", { cause: withCode("ECONNREFUSED") }), "GET").code).toBe("ECONNREFUSED");
    expect(classifyUpstreamError("boom", "GET")).toEqual({ status: 502, retryable: false, upstreamFault: true, code: "UNKNOWN" });
  });
});

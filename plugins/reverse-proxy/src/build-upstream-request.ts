import { headerValue } from "@loom/sdk";
import type { Headers, HttpRequest } from "@loom/sdk";
import { applyHeaderOps } from "./apply-header-ops.ts";
import { removeHopByHop } from "./hop-by-hop.ts";
import type { ProxyHeaderOps } from "./reverse-proxy-config.ts";
import { stripPathPrefix } from "./strip-path-prefix.ts";

/** What is sent to an upstream, the same for every attempt. */
export interface UpstreamRequest {
  readonly method: string;
  /** Origin-form target: path and query. */
  readonly path: string;
  readonly headers: Headers;
  /** Undefined for an empty body; undici then sets `content-length` itself where the method needs it. */
  readonly body: Uint8Array | undefined;
}

export interface BuildUpstreamRequestOptions {
  readonly stripPrefix?: string | undefined;
  readonly headers?: ProxyHeaderOps | undefined;
}

/** The origin-form target of a request target, or undefined for asterisk-form and the like. */
function originForm(target: string): string | undefined {
  if (target.startsWith("/")) return target;
  if (!/^https?:\/\//i.test(target)) return undefined;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

/** Joins the values of a possibly repeated list header with ", ". */
function joinList(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const joined = (Array.isArray(value) ? value : [value]).map((part) => part.trim()).filter((part) => part !== "").join(", ");
  return joined === "" ? undefined : joined;
}

/**
 * Turns the client's request into the upstream request: the path with `stripPrefix` removed, headers
 * without hop-by-hop ones (and without `content-length` and `expect`, which undici derives itself),
 * `X-Forwarded-For` extended with the client's address, `X-Forwarded-Proto` and `X-Forwarded-Host` set,
 * the original `Host` kept, then the configured header changes. Undefined when the target is not a path.
 */
export function buildUpstreamRequest(request: HttpRequest, options: BuildUpstreamRequestOptions): UpstreamRequest | undefined {
  const target = originForm(request.url);
  if (target === undefined) return undefined;
  const headers = removeHopByHop(request.headers);
  delete headers["content-length"];
  delete headers.expect;
  const host = headerValue(request.headers, "host");
  if (host !== undefined) headers.host = host;
  const forwardedFor = joinList(request.headers["x-forwarded-for"]);
  headers["x-forwarded-for"] = forwardedFor === undefined ? request.remoteAddress : `${forwardedFor}, ${request.remoteAddress}`;
  headers["x-forwarded-proto"] = "http";
  if (host !== undefined) headers["x-forwarded-host"] = host;
  else delete headers["x-forwarded-host"];
  applyHeaderOps(headers, options.headers);
  return {
    method: request.method,
    path: stripPathPrefix(target, options.stripPrefix),
    headers,
    body: request.body.byteLength > 0 ? request.body : undefined,
  };
}

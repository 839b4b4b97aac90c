import type { Headers } from "@loom/sdk";
import type { ProxyHeaderOps } from "./reverse-proxy-config.ts";

/** Applies `remove` then `set` to lower-case `headers` in place, and returns them. */
export function applyHeaderOps(headers: Headers, ops: ProxyHeaderOps | undefined): Headers {
  if (ops === undefined) return headers;
  for (const name of ops.remove ?? []) delete headers[name.toLowerCase()];
  for (const [name, value] of Object.entries(ops.set ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

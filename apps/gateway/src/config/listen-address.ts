import * as z from "zod";

/** A parsed `host:port` listen address. Port 0 asks the system for a free port. */
export interface ListenAddress {
  host: string;
  port: number;
}

const LISTEN = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/;

/** `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, or `:8080` (every interface). */
export const ListenAddressSchema = z
  .string()
  .describe('Address to listen on as "host:port"; ":8080" listens on every interface, port 0 picks a free port.')
  .transform((value, ctx): ListenAddress => {
    const match = LISTEN.exec(value);
    const port = match ? Number(match[3]) : NaN;
    if (!match || port > 65535) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a listen address; write "host:port", e.g. "127.0.0.1:8080"` });
      return z.NEVER;
    }
    return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
  });

/** True when `host` can only be reached from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Formats an address for URLs and messages. */
export function formatAddress(address: ListenAddress): string {
  return `${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`;
}

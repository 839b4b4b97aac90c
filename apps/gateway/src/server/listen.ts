import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCode, LoomError } from "@loom/protocol";
import { formatAddress } from "../config/listen-address.ts";
import type { ListenAddress } from "../config/listen-address.ts";

const REASONS: Record<string, [string, string]> = {
  EADDRINUSE: ["the address is already in use", "another process listens there: stop it, or choose another port"],
  EACCES: ["permission denied", "ports below 1024 need privileges: choose a port above 1023"],
  EADDRNOTAVAIL: ["the host is not an address of this machine", "use 127.0.0.1, 0.0.0.0 or an address this machine has"],
  ENOTFOUND: ["the host name does not resolve", "use an IP address or a name this machine resolves"],
};

/** Binds `server` to `address`; resolves with the address actually bound (the real port when 0 was asked). */
export function listen(server: Server, address: ListenAddress, what: string): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const [reason, hint] = REASONS[error.code ?? ""] ?? [error.message, "check the listen address"];
      reject(
        LoomError.fromDiagnostics(ErrorCode.LISTEN_FAILED, `cannot listen on ${formatAddress(address)} (${what}): ${reason}`, [
          { code: ErrorCode.LISTEN_FAILED, path: what === "admin" ? "admin.listen" : "listen", message: reason, hint },
        ]),
      );
    };
    server.once("error", onError);
    server.listen(address.port, address.host, () => {
      server.off("error", onError);
      const bound = server.address() as AddressInfo;
      resolve({ host: address.host, port: bound.port });
    });
  });
}

/** Stops accepting, closes idle keep-alive connections now and every connection after `graceMs`. */
export async function closeServer(server: Server, graceMs: number, inflightDone: Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([inflightDone, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs).unref()))]);
  clearTimeout(timer);
  server.closeAllConnections();
  await closed;
}

import type { GatewayConfig } from "../config/gateway-config.ts";
import type { Router } from "../routing/create-router.ts";

/** One loaded config: its router and a count of the requests it is serving. */
export interface GatewayApp {
  readonly raw: unknown;
  readonly config: GatewayConfig;
  readonly router: Router;
  inflight: number;
  /** Resolves once `inflight` is 0; the request handler calls `notifyIdle` when it drops to 0. */
  idle(): Promise<void>;
  notifyIdle(): void;
}

export function createGatewayApp(raw: unknown, config: GatewayConfig, router: Router): GatewayApp {
  let waiters: (() => void)[] = [];
  const app: GatewayApp = {
    raw,
    config,
    router,
    inflight: 0,
    idle: () => (app.inflight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    notifyIdle() {
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve();
    },
  };
  return app;
}

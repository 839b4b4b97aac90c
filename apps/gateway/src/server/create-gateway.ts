import { createServer } from "node:http";
import type { Server } from "node:http";
import { resolve } from "node:path";
import { createModuleHost, createPluginLoader, joinPaths } from "@loom/runtime";
import type { PluginStats, Registry } from "@loom/runtime";
import type { Logger } from "pino";
import { createAdminHandler } from "../admin/create-admin-handler.ts";
import { formatAddress } from "../config/listen-address.ts";
import type { ListenAddress } from "../config/listen-address.ts";
import type { GatewayConfig } from "../config/gateway-config.ts";
import { parseGatewayConfig } from "../config/read-config.ts";
import type { LoadedConfig } from "../config/read-config.ts";
import { createGatewayMetrics } from "../metrics/create-gateway-metrics.ts";
import type { GatewayMetrics } from "../metrics/create-gateway-metrics.ts";
import { createRouter } from "../routing/create-router.ts";
import { createGatewayApp } from "./gateway-app.ts";
import type { GatewayApp } from "./gateway-app.ts";
import { closeServer, listen } from "./listen.ts";
import { createRequestHandler } from "./create-request-handler.ts";

interface Bound {
  server: Server;
  /** The address as configured (port 0 stays 0) and as bound, to tell whether a reload must rebind. */
  wanted: ListenAddress;
  bound: ListenAddress;
  url: string;
}

export interface Gateway extends AsyncDisposable {
  /** Loads a config atomically: binds listeners on the first load, rebinds on a changed address. */
  load(loaded: LoadedConfig): Promise<void>;
  /** Provisions and validates every module of a config, then tears it down: nothing listens or starts. */
  check(loaded: LoadedConfig): Promise<void>;
  /** Decodes and loads a config value (the admin API's POST /load). */
  reload(raw: unknown): Promise<void>;
  /** The config value now serving, as written. */
  currentConfig(): unknown;
  readonly url: string | undefined;
  readonly adminUrl: string | undefined;
  /** The bundled plugins plus the out-of-tree plugins the current config uses. */
  readonly registry: Registry;
  /** Stats of the running out-of-tree (subprocess) plugins. */
  subprocessStats(): PluginStats[];
  /** The Prometheus metrics (admin GET /metrics), when the gateway was created with `metrics: true`. */
  readonly metrics: GatewayMetrics | undefined;
  /** Stops accepting, drains in-flight requests up to the configured deadline, stops every module. */
  shutdown(): Promise<void>;
}

const sameAddress = (a: ListenAddress, b: ListenAddress) => a.host === b.host && a.port === b.port;

export interface GatewayOptions {
  /** The bundled plugins. */
  registry: Registry;
  logger: Logger;
  /** Out-of-tree plugin folders from the command line (`--plugin-dir`), searched before the config's `plugins.dirs`. */
  pluginDirs?: readonly string[];
  /** Out-of-tree plugin folders of the build itself (a distribution's plugins.d/), searched after the config's `plugins.dirs`. */
  buildPluginDirs?: readonly string[];
  /** Records Prometheus metrics (`gateway run`); off for `validate`, which serves nothing. */
  metrics?: boolean;
}

export function createGateway(options: GatewayOptions): Gateway {
  const { logger } = options;
  const plugins = createPluginLoader({ registry: options.registry, logger });
  const registry = plugins.registry;
  const metrics = options.metrics ? createGatewayMetrics({ stats: () => plugins.stats(), subscribe: (listener) => plugins.subscribe(listener) }) : undefined;
  /** The last config file's folder: a config sent over the admin API resolves its plugin dirs there too. */
  let configDir = process.cwd();
  const pluginDirsOf = (loaded: LoadedConfig): string[] => {
    configDir = loaded.dir ?? configDir;
    return [
      ...(options.pluginDirs ?? []).map((dir) => resolve(dir)),
      ...loaded.config.plugins.dirs.map((dir) => resolve(configDir, dir)),
      ...(options.buildPluginDirs ?? []).map((dir) => resolve(dir)),
    ];
  };
  /** Runs `task` with the config's out-of-tree plugins started; keeps them only when it succeeds and `commit`. */
  let queue: Promise<unknown> = Promise.resolve();
  const withPlugins = (loaded: LoadedConfig, commit: boolean, task: () => Promise<void>): Promise<void> => {
    const run = queue.then(() => preparedRun(loaded, commit, task));
    queue = run.catch(() => undefined);
    return run;
  };
  const preparedRun = async (loaded: LoadedConfig, commit: boolean, task: () => Promise<void>): Promise<void> => {
    try {
      await plugins.prepare(loaded.raw, pluginDirsOf(loaded), { limits: loaded.config.plugins.limits });
      await task();
    } catch (error) {
      await plugins.rollback();
      throw error;
    }
    await (commit ? plugins.commit() : plugins.rollback());
  };
  let main: Bound | undefined;
  let admin: Bound | undefined;
  let active: GatewayApp | undefined;
  const requestHandler = createRequestHandler({
    current: () => active!,
    logger: logger.child({ component: "http" }),
    accessLog: logger.child({ component: "access" }),
    ...(metrics ? { countResponse: metrics.countResponse } : {}),
  });

  const makeServer = (config: GatewayConfig, handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(
      {
        maxHeaderSize: config.limits.maxHeaderBytes,
        headersTimeout: config.limits.headersTimeoutMs,
        requestTimeout: config.limits.requestTimeoutMs,
      },
      handler,
    );
    server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
      logger.debug({ err: error, code: error.code }, "malformed HTTP request");
      if (!socket.writable) return socket.destroy();
      const status = error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    return server;
  };

  /** Binds a fresh server when the wanted address changed; the caller closes the old one after swapping. */
  const bindIfChanged = async (
    current: Bound | undefined,
    wanted: ListenAddress | undefined,
    config: GatewayConfig,
    handler: Parameters<typeof createServer>[1],
    what: string,
  ): Promise<Bound | undefined> => {
    if (!wanted) return undefined;
    if (current && (sameAddress(current.wanted, wanted) || sameAddress(current.bound, wanted))) {
      current.server.headersTimeout = config.limits.headersTimeoutMs;
      current.server.requestTimeout = config.limits.requestTimeoutMs;
      return current;
    }
    const server = makeServer(config, handler);
    const bound = await listen(server, wanted, what);
    return { server, wanted, bound, url: `http://${formatAddress(bound)}` };
  };

  const gateway: Gateway = {
    registry,
    get url() {
      return main?.url;
    },
    get adminUrl() {
      return admin?.url;
    },
    currentConfig: () => active?.raw,
    subprocessStats: () => plugins.stats(),
    metrics,
    load: (loaded) => withPlugins(loaded, true, () => host.load(loaded).then(() => undefined)),
    check: (loaded) => withPlugins(loaded, false, () => host.check(loaded)),
    reload: (raw) => gateway.load(parseGatewayConfig(raw)),
    async shutdown() {
      const graceMs = active?.config.shutdownTimeoutMs ?? 0;
      const app = active;
      const closing = [main, admin].filter((b): b is Bound => b !== undefined);
      main = undefined;
      admin = undefined;
      await Promise.all(closing.map((b) => closeServer(b.server, graceMs, app ? app.idle() : Promise.resolve())));
      await host.stop();
      await plugins.stop();
      logger.info("gateway stopped");
    },
    [Symbol.asyncDispose]: () => gateway.shutdown(),
  };

  const adminHandler = createAdminHandler({ gateway, logger: logger.child({ component: "admin" }) });

  const host = createModuleHost<LoadedConfig, GatewayApp>({
    registry,
    logger,
    async assemble({ raw, config }, loader) {
      const router = await createRouter(config.routes, (namespace, value, keys) =>
        loader.load(namespace, value, joinPaths("routes", keys)),
      );
      return createGatewayApp(raw, config, router);
    },
    async activate(app, previous) {
      const config = app.config;
      const nextMain = await bindIfChanged(main, config.listen, config, requestHandler, "listen");
      let nextAdmin: Bound | undefined;
      try {
        nextAdmin = await bindIfChanged(admin, config.admin === false ? undefined : config.admin.listen, config, adminHandler, "admin");
      } catch (error) {
        if (nextMain && nextMain !== main) await closeServer(nextMain.server, 0, Promise.resolve());
        throw error;
      }
      const oldMain = main;
      const oldAdmin = admin;
      main = nextMain;
      admin = nextAdmin;
      active = app;
      logger.level = config.logging.level;
      const grace = previous?.config.shutdownTimeoutMs ?? 0;
      const drained = previous ? previous.idle() : Promise.resolve();
      if (oldMain && oldMain !== main) void closeServer(oldMain.server, grace, drained);
      // The old admin listener may be answering the very POST /load that moved it: give it a moment.
      if (oldAdmin && oldAdmin !== admin) void closeServer(oldAdmin.server, Math.min(grace, 2_000), new Promise(() => undefined));
      if (main !== oldMain) logger.info({ url: main!.url, pid: process.pid }, "server listening");
      if (admin && admin !== oldAdmin) logger.info({ url: admin.url }, "admin listening");
    },
    async retire(app) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([app.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, app.config.shutdownTimeoutMs)))]);
      clearTimeout(timer);
    },
  });

  return gateway;
}

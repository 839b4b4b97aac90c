import type { Logger } from "@loom/sdk";
import type { PluginPool } from "../subprocess/plugin-pool.ts";
import type { PluginEventListener } from "../subprocess/plugin-stats.ts";

/** The events of many pools as one stream, for a loader's `subscribe`. */
export interface PluginEventFanIn {
  /** Adds a listener of every added pool's events; returns the function that removes it. */
  subscribe(listener: PluginEventListener): () => void;
  /** Forwards the pool's events from now on. */
  add(pool: PluginPool): void;
  /** Stops forwarding the pool's events. */
  remove(pool: PluginPool): void;
}

/**
 * Subscribes to the pools only while someone listens: with no listener a pool has none either, so its
 * calls build no event objects. A listener that throws is logged and the others still get the event.
 */
export function createPluginEventFanIn(logger: Logger): PluginEventFanIn {
  const listeners = new Set<PluginEventListener>();
  /** Each pool and, while someone listens, the function that ends its subscription. */
  const pools = new Map<PluginPool, (() => void) | undefined>();
  const forward: PluginEventListener = (event) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.warn({ err: error, plugin: event.plugin, event: event.type }, "a plugin event listener threw");
      }
    }
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) for (const [pool, off] of pools) if (!off) pools.set(pool, pool.subscribe(forward));
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        listeners.delete(listener);
        if (listeners.size > 0) return;
        for (const [pool, off] of pools) {
          off?.();
          pools.set(pool, undefined);
        }
      };
    },
    add(pool) {
      if (!pools.has(pool)) pools.set(pool, listeners.size > 0 ? pool.subscribe(forward) : undefined);
    },
    remove(pool) {
      pools.get(pool)?.();
      pools.delete(pool);
    },
  };
}

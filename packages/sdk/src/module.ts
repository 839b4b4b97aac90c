import type * as z from "zod";
import type { Logger } from "./logger.ts";
import type { InterfaceOf, KnownNamespaces, NamespaceId } from "./namespace.ts";

/**
 * Optional lifecycle of a module instance, called by the host in this order:
 * `provision` (acquire resources, load guests), `validate` (check the provisioned state), `start`;
 * later `stop` (reverse order) and `cleanup` (release what provision acquired). A config reload runs the
 * new instances' provision and validate before the old ones are stopped.
 */
export interface Lifecycle {
  provision?(): void | Promise<void>;
  validate?(): void | Promise<void>;
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
  cleanup?(): void | Promise<void>;
}

/** What the host gives a module when it creates it. */
export interface ModuleContext {
  /** The module's ID, e.g. `http.handlers.static`. */
  readonly id: string;
  /** The JSON path of this module's config in the host config, e.g. `routes[0].handle`. */
  readonly path: string;
  /** A pino child logger bound to `{ module, plugin }`. */
  readonly logger: Logger;
  /** Aborted when this instance is cleaned up (after a reload or at shutdown). */
  readonly signal: AbortSignal;
  /**
   * Loads a guest module from part of this module's own config (as Caddy's `subroute` holds handlers).
   * `raw` is the guest's config object, whose inline key names the module; `key` is where it sits in this
   * module's config, for error paths (a list for a nested place: `["routes", 0, "handle"]`). The guest is provisioned and validated before this resolves and is
   * started, stopped and cleaned up together with its parent.
   */
  loadModule<N extends NamespaceId>(
    namespace: N,
    raw: unknown,
    key: string | number | readonly (string | number)[],
  ): Promise<KnownNamespaces[N]>;
}

export interface ModuleDefinition<Id extends string = string, S extends z.ZodType = z.ZodType> {
  /** Dotted ID: the namespace, then the module's name, e.g. `http.handlers.static`. */
  readonly id: Id;
  /** One sentence for `list-modules`. */
  readonly description?: string;
  /** Decodes the module's config strictly (unknown keys fail). */
  readonly configSchema: S;
  /** Builds an instance from decoded config; cheap work only, resources belong in `provision`. */
  readonly create: (config: z.output<S>, context: ModuleContext) => (InterfaceOf<Id> & Lifecycle) | Promise<InterfaceOf<Id> & Lifecycle>;
}

/** Typed identity helper: checks the ID's namespace and infers the instance interface from it. */
export function defineModule<const Id extends string, S extends z.ZodType>(
  definition: ModuleDefinition<Id, S>,
): ModuleDefinition<Id, S> {
  return definition;
}

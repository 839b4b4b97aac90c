/**
 * A namespace is an extension point a host declares, such as `http.handlers`. Every module whose ID starts
 * with the namespace (`http.handlers.static`) implements the namespace's interface.
 *
 * Hosts add their interfaces to `KnownNamespaces` by declaration merging, so `defineModule` infers the
 * interface a module's `create` must return from its ID alone.
 */
// biome-ignore lint: declaration merging target
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KnownNamespaces {}

export type NamespaceId = keyof KnownNamespaces & string;

/** The interface a module with ID `Id` implements, or `object` when its namespace is not known. */
export type InterfaceOf<Id extends string> = [
  { [N in NamespaceId]: Id extends `${N}.${string}` ? KnownNamespaces[N] : never }[NamespaceId],
] extends [never]
  ? object
  : { [N in NamespaceId]: Id extends `${N}.${string}` ? KnownNamespaces[N] : never }[NamespaceId];

export interface NamespaceDefinition<I = unknown> {
  /** Dotted namespace ID, e.g. `http.handlers`. */
  readonly id: string;
  /** The config key whose value names the module, e.g. `handler` in `{ "handler": "static" }`. */
  readonly inlineKey: string;
  /** One sentence for `list-modules` and generated docs. */
  readonly description: string;
  /** Methods every instance must have. */
  readonly methods: readonly string[];
  /**
   * Wraps an instance so every value it returns is checked against the contract. The host calls the
   * guarded view; a plugin that lies fails that call with a clear error instead of corrupting output.
   */
  readonly guard: (instance: I, moduleId: string) => I;
}

/** Typed identity helper for a namespace definition. */
export function defineNamespace<I>(definition: NamespaceDefinition<I>): NamespaceDefinition<I> {
  return definition;
}

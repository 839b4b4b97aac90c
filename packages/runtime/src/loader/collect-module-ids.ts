import type { Registry } from "../registry.ts";

const MAX_DEPTH = 128;

/**
 * Every module ID a host config names: each object (at any depth) whose namespace inline key (e.g.
 * `"handler": "py_hello"`) holds a string names `<namespace>.<value>`. It may over-approximate (a module's
 * own config key that happens to share an inline key's name); the loader only starts out-of-tree plugins
 * that provide such an ID, so a stray name costs nothing unless a plugin claims it.
 */
export function collectModuleIds(raw: unknown, registry: Pick<Registry, "namespaces">): Set<string> {
  const keys = registry.namespaces().map((ns) => ({ id: ns.id, key: ns.inlineKey }));
  const ids = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const { id, key } of keys) {
      const name = record[key];
      if (typeof name === "string" && name !== "") ids.add(`${id}.${name}`);
    }
    for (const item of Object.values(record)) visit(item, depth + 1);
  };
  visit(raw, 0);
  return ids;
}

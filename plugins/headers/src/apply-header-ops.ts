import type { Headers, HttpRequest } from "@loom/sdk";
import { expandPlaceholders } from "./expand-placeholders.ts";
import type { HeaderOps } from "./headers-config.ts";

/** Header operations with names lower-cased and removals split into exact names and prefixes. */
export interface ResolvedHeaderOps {
  readonly removeNames: ReadonlySet<string>;
  readonly removePrefixes: readonly string[];
  readonly set: readonly (readonly [name: string, value: string])[];
  readonly add: readonly (readonly [name: string, values: readonly string[]])[];
}

/** Normalises decoded config: lower-case names, `"x-*"` patterns turned into prefixes. */
export function resolveHeaderOps(ops: HeaderOps): ResolvedHeaderOps {
  const removeNames = new Set<string>();
  const removePrefixes: string[] = [];
  for (const pattern of ops.remove ?? []) {
    const name = pattern.toLowerCase();
    if (name.endsWith("*")) removePrefixes.push(name.slice(0, -1));
    else removeNames.add(name);
  }
  return {
    removeNames,
    removePrefixes,
    set: Object.entries(ops.set ?? {}).map(([name, value]) => [name.toLowerCase(), value] as const),
    add: Object.entries(ops.add ?? {}).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value : [value]] as const),
  };
}

/**
 * Returns a copy of `headers` with `ops` applied in the order remove, set, add. Names are matched without
 * regard to case (a response may carry `Content-Type`); names written are lower case. Placeholders in
 * values are filled from `request`.
 */
export function applyHeaderOps(headers: Headers, ops: ResolvedHeaderOps, request: HttpRequest): Headers {
  const result: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (ops.removeNames.has(lower) || ops.removePrefixes.some((prefix) => lower.startsWith(prefix))) continue;
    const existing = result[lower];
    // Merge names that differ only in case, so later operations see one entry.
    result[lower] = existing === undefined ? value : [...[existing].flat(), ...[value].flat()];
  }
  for (const [name, value] of ops.set) result[name] = expandPlaceholders(value, request);
  for (const [name, values] of ops.add) {
    const expanded = values.map((value) => expandPlaceholders(value, request));
    const existing = result[name];
    result[name] = existing === undefined ? (expanded.length === 1 ? expanded[0]! : expanded) : [...[existing].flat(), ...expanded];
  }
  return result;
}

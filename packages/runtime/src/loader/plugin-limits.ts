import * as z from "zod";
import { SubprocessPluginOptionsSchema } from "../subprocess/subprocess-options.ts";

/** The subprocess options a host operator may set per plugin, over the plugin author's plugin.json. */
const LIMIT_KEYS = {
  callTimeoutMs: true,
  maxConcurrentCalls: true,
  maxQueuedCalls: true,
  maxFrameBytes: true,
  memoryLimitMb: true,
  processes: true,
  startTimeoutMs: true,
  healthIntervalMs: true,
} as const;

const Picked = SubprocessPluginOptionsSchema.pick(LIMIT_KEYS);
type PickedShape = typeof Picked.shape;
type Unwrapped<S> = S extends z.ZodDefault<infer Inner> ? Inner : S extends z.ZodOptional<infer Inner> ? Inner : S;

/**
 * The same fields with no defaults: a key the operator leaves out must not override plugin.json's value
 * with the runtime's default. Each keeps its range and its description.
 */
function withoutDefaults(shape: PickedShape): { [K in keyof PickedShape]: z.ZodOptional<Unwrapped<PickedShape[K]>> } {
  const entries = Object.entries(shape).map(([key, schema]: [string, z.ZodType]) => {
    const inner = schema instanceof z.ZodDefault || schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    const description = schema.description ?? inner.description;
    return [key, description === undefined ? inner.optional() : inner.optional().describe(description)];
  });
  return Object.fromEntries(entries) as { [K in keyof PickedShape]: z.ZodOptional<Unwrapped<PickedShape[K]>> };
}

/**
 * A host's limits for one out-of-tree plugin: timeouts, concurrency, frame size, memory and pool size.
 * Each key set here wins over the same key of plugin.json's `subprocess`; a key left out keeps it.
 */
export const PluginLimitsSchema = z
  .strictObject(withoutDefaults(Picked.shape))
  .describe("Limits for one plugin; each key set here wins over the same key of its plugin.json's `subprocess`.");

export type PluginLimits = z.output<typeof PluginLimitsSchema>;

/** The operator's limits by plugin name (plugin.json's `name`). */
export type PluginLimitsByName = Readonly<Record<string, PluginLimits>>;

/** A stable text of a plugin's limits (keys sorted), part of a running plugin's identity. */
export function limitsKey(limits: PluginLimits | undefined): string {
  if (!limits) return "";
  const defined = Object.entries(limits).filter(([, value]) => value !== undefined);
  return JSON.stringify(defined.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

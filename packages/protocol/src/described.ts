import * as z from "zod/mini";

/**
 * `schema`, with a description in zod's global registry (what `.describe()` does in classic zod): it
 * documents the field for JSON Schema output and adds no check to run on every parse.
 */
export function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  z.globalRegistry.add(schema, { description });
  return schema;
}

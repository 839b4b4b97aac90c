import * as z from "zod";

/** A module's config schema as the host applies it: an object schema strictly (unknown keys fail). */
export function strictConfigSchema(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodObject ? schema.strict() : schema;
}

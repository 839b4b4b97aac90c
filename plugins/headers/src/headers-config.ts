import * as z from "@loom/sdk/z";
import { PLACEHOLDERS, unknownPlaceholders } from "./expand-placeholders.ts";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const HeaderValueSchema = z
  .string()
  .regex(/^[^\r\n\0]*$/, "header values must not contain CR, LF or NUL")
  .refine((value) => unknownPlaceholders(value).length === 0, {
    message: `unknown placeholder; known: ${Object.keys(PLACEHOLDERS)
      .map((name) => `{${name}}`)
      .join(", ")}`,
  });

/**
 * A record from header names to `value`: every key must be a token, and keys must differ in more than
 * case (header names are case-insensitive). Checked in a refinement so each error names its key.
 */
function headerRecord<V extends z.ZodType>(value: V) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    const seen = new Set<string>();
    for (const name of Object.keys(record)) {
      if (!TOKEN.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "not a valid header name" });
      if (seen.has(name.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: [name], message: "header names must be distinct ignoring case" });
      }
      seen.add(name.toLowerCase());
    }
  });
}

const HeaderRemoveSchema = z
  .string()
  .regex(TOKEN, "not a valid header name")
  .refine((name) => name !== "*", { message: 'a wildcard needs a prefix, e.g. "x-internal-*"' });

/** Changes to one set of headers, applied in the order remove, set, add. */
export const HeaderOpsSchema = z.strictObject({
  remove: z
    .array(HeaderRemoveSchema)
    .optional()
    .describe('Header names to delete, case-insensitive; a trailing "*" deletes every name with that prefix, e.g. "x-internal-*".'),
  set: headerRecord(HeaderValueSchema)
    .optional()
    .describe("Headers to set, replacing any value already there. Values may use placeholders such as {http.request.host}."),
  add: headerRecord(z.union([HeaderValueSchema, z.array(HeaderValueSchema).min(1)]))
    .optional()
    .describe("Values to append to a header (one or a list), keeping those already there. Values may use placeholders."),
});

export type HeaderOps = z.infer<typeof HeaderOpsSchema>;

export const HeadersConfigSchema = z.strictObject({
  request: HeaderOpsSchema.optional().describe("Changes to the request headers, made before the rest of the chain runs."),
  response: HeaderOpsSchema.optional().describe(
    "Changes to the response headers, made to the response the rest of the chain returned (so they win over the handler's).",
  ),
});

export type HeadersConfig = z.infer<typeof HeadersConfigSchema>;

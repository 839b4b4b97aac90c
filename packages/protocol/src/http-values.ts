import * as z from "zod";

/**
 * The HTTP contract as plain values. A handler never sees Node's `req`/`res`: it receives an HttpRequest
 * and returns an HttpResponse, so the same module can run in the host process or across a pipe.
 */

/** Raw bytes (a Buffer is one too). */
export const BytesSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: "expected bytes (a Uint8Array)" });

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

export const HeaderValueSchema = z.union([
  z.string().regex(HEADER_VALUE, "header values must not contain CR, LF or NUL"),
  z.array(z.string().regex(HEADER_VALUE, "header values must not contain CR, LF or NUL")),
]);

export const HeadersSchema = z
  .record(z.string().regex(HEADER_NAME, "not a valid header name"), HeaderValueSchema)
  .describe("Header names to values; request header names are lower case.");

export type Headers = z.infer<typeof HeadersSchema>;

/**
 * The same rules as HeadersSchema, checked by one loop instead of a record of unions: responses are
 * validated on every request, and this costs a fraction of the record's time. Issues carry the same
 * paths and messages.
 */
const ResponseHeadersSchema = z
  .custom<Headers>((value) => typeof value === "object" && value !== null && !Array.isArray(value), {
    message: "expected an object of header names to values",
  })
  .superRefine((headers, ctx) => {
    for (const name in headers) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "not a valid header name" });
      const value = headers[name];
      if (typeof value === "string") {
        if (!HEADER_VALUE.test(value)) ctx.addIssue({ code: "custom", path: [name], message: "header values must not contain CR, LF or NUL" });
      } else if (Array.isArray(value)) {
        value.forEach((item, index) => {
          if (typeof item !== "string" || !HEADER_VALUE.test(item)) {
            ctx.addIssue({ code: "custom", path: [name, index], message: "expected a string without CR, LF or NUL" });
          }
        });
      } else {
        ctx.addIssue({ code: "custom", path: [name], message: "expected a string or an array of strings" });
      }
    }
  });

export const HttpRequestSchema = z.object({
  id: z.string().describe("A request ID unique within the host process, for logs."),
  method: z.string().describe("The request method, upper case."),
  url: z.string().describe("The request target as received: path and query, e.g. /a/b?c=1."),
  headers: HeadersSchema,
  body: BytesSchema.describe("The request body, read in full up to the host's limit."),
  remoteAddress: z.string().describe("The peer's IP address."),
});

export type HttpRequest = z.infer<typeof HttpRequestSchema>;

/** A streamed body: chunks of bytes, read once. */
export type BodyStream = AsyncIterable<Uint8Array>;

export const BodyStreamSchema = z.custom<BodyStream>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function",
  { message: "expected a Uint8Array, a string or an async iterable of Uint8Array" },
);

export const HttpResponseSchema = z
  .object({
    status: z.number().int().min(100).max(599).describe("The status code."),
    headers: ResponseHeadersSchema.optional(),
    body: z.union([BytesSchema, z.string(), BodyStreamSchema]).optional(),
  })
  .strict();

export type HttpResponse = z.infer<typeof HttpResponseSchema>;

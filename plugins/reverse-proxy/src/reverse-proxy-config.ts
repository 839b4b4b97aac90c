import * as z from "@loom/sdk/z";

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

/** True when `value` is an `http://host[:port]` origin with no path, query, fragment or credentials. */
function isUpstreamOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === "http:" && url.username === "" && url.password === "" && url.pathname === "/" && url.search === "" && url.hash === "";
}

const HeaderNameSchema = z.string().regex(HEADER_NAME, "not a valid header name");

/** Header names to values; each bad key is reported at its own path (zod's record key error is vaguer). */
const HeaderSetSchema = z
  .record(z.string(), z.string().regex(HEADER_VALUE, "header values must not contain CR, LF or NUL"))
  .superRefine((record, ctx) => {
    const seen = new Set<string>();
    for (const name of Object.keys(record)) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "not a valid header name" });
      if (seen.has(name.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: [name], message: "header names must be distinct ignoring case" });
      }
      seen.add(name.toLowerCase());
    }
  });

/** Header changes for one direction; `remove` runs before `set`. */
export const ProxyHeaderOpsSchema = z.strictObject({
  set: HeaderSetSchema
    .optional()
    .describe("Headers to set, replacing any value already there. Names are case-insensitive."),
  remove: z.array(HeaderNameSchema).optional().describe("Header names to delete. Case-insensitive."),
});

export type ProxyHeaderOps = z.infer<typeof ProxyHeaderOpsSchema>;

export const ReverseProxyConfigSchema = z.strictObject({
  upstreams: z
    .array(
      z.string().refine(isUpstreamOrigin, "an upstream must be an http://host[:port] URL without path, query or credentials"),
    )
    .min(1, "at least one upstream is required")
    .refine((list) => !list.every(isUpstreamOrigin) || new Set(list.map((value) => new URL(value).origin)).size === list.length, {
      message: "upstreams must be distinct",
    })
    .describe('Upstream base URLs, e.g. ["http://127.0.0.1:8081", "http://127.0.0.1:8082"].'),
  lbPolicy: z
    .enum(["round_robin", "first", "random"])
    .default("round_robin")
    .describe("How to pick an upstream: round_robin rotates, first takes the first available, random picks any available one."),
  retries: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      "How many other upstreams to try after a connection error (never after an upstream began answering). Defaults to all the others.",
    ),
  health: z
    .strictObject({
      maxFails: z.number().int().min(1).default(1).describe("Failures within failDuration that mark an upstream down."),
      failDuration: z
        .number()
        .int()
        .min(0)
        .default(10_000)
        .describe("How long (ms) a failure counts; a down upstream is skipped until its failures age out. 0 disables passive health checks."),
      unhealthyStatus: z
        .array(z.number().int().min(100).max(599))
        .optional()
        .describe("Response status codes that count as failures, e.g. [502, 503]. The response is still passed on."),
    })
    .prefault({})
    .describe("Passive health checks: upstreams that fail are skipped for a while."),
  timeouts: z
    .strictObject({
      connect: z.number().int().min(1).default(5_000).describe("Milliseconds to establish a connection to an upstream."),
      headers: z
        .number()
        .int()
        .min(0)
        .default(30_000)
        .describe("Milliseconds to wait for the upstream's response headers (504 when exceeded); 0 waits forever."),
      body: z
        .number()
        .int()
        .min(0)
        .default(30_000)
        .describe("Milliseconds allowed between two chunks of the upstream's response body; 0 waits forever."),
    })
    .prefault({})
    .describe("Upstream timeouts."),
  stripPrefix: z
    .string()
    .regex(/^\/[^?#]*$/, "stripPrefix must start with / and hold no query")
    .optional()
    .describe('A path prefix to remove before forwarding, at a segment boundary: "/api" turns /api/users into /users.'),
  headers: z
    .strictObject({
      request: ProxyHeaderOpsSchema.optional().describe("Changes to the headers sent upstream (after X-Forwarded-*)."),
      response: ProxyHeaderOpsSchema.optional().describe("Changes to the upstream's response headers."),
    })
    .optional()
    .describe("Header changes in either direction."),
});

export type ReverseProxyConfig = z.infer<typeof ReverseProxyConfigSchema>;

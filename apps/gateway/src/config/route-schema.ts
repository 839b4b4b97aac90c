import { guestSchema, httpHandlers, httpMiddleware } from "@loom/sdk";
import * as z from "zod";

export const MatchSchema = z
  .strictObject({
    path: z
      .array(z.string().startsWith("/", "a path pattern starts with /"))
      .min(1)
      .optional()
      .describe('Path globs; "*" matches any characters including "/", so "/api/*" matches everything under /api/.'),
    pathPrefix: z
      .array(z.string().startsWith("/", "a path prefix starts with /"))
      .min(1)
      .optional()
      .describe("Path prefixes; a request path starting with one of them matches."),
    method: z
      .array(z.string().regex(/^[A-Za-z]+$/, "a method is letters only").transform((m) => m.toUpperCase()))
      .min(1)
      .optional()
      .describe("Request methods, e.g. [\"GET\", \"HEAD\"]."),
    host: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Host names (without port); "*.example.com" matches one label.'),
  })
  .describe("Every given matcher must match (AND); within one matcher any entry may match (OR).");

export type Match = z.infer<typeof MatchSchema>;

export const RouteSchema = z
  .strictObject({
    match: MatchSchema.optional().describe("Which requests this route takes; omitted, it takes every request."),
    middleware: z
      .array(guestSchema(httpMiddleware))
      .optional()
      .describe("Middleware run in order before the handler; each wraps the rest of the chain."),
    handle: guestSchema(httpHandlers).describe("The handler that answers the request."),
  })
  .describe("A route: matchers, then a chain of middleware, then a handler. The first matching route wins.");

export type Route = z.infer<typeof RouteSchema>;

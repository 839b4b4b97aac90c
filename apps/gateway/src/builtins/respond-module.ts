import { defineModule, HeadersSchema } from "@loom/sdk";
import * as z from "@loom/sdk/z";

/** `http.handlers.respond`: a fixed response, like Caddy's static_response. */
export const respondModule = defineModule({
  id: "http.handlers.respond",
  description: "Answers with a fixed status, headers and body.",
  configSchema: z.strictObject({
    status: z.number().int().min(100).max(599).default(200).describe("Status code."),
    body: z.string().default("").describe("Response body."),
    headers: HeadersSchema.default({}).describe("Response headers."),
  }),
  create(config) {
    const body = Buffer.from(config.body);
    // One frozen response for every request: the host checks it once, and its length is precomputed.
    const response = Object.freeze({
      status: config.status,
      headers: Object.freeze({ "content-type": "text/plain; charset=utf-8", "content-length": String(body.byteLength), ...config.headers }),
      body,
    });
    return { handle: () => response };
  },
});

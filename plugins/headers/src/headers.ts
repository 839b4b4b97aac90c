import { defineModule } from "@loom/sdk";
import { applyHeaderOps, resolveHeaderOps } from "./apply-header-ops.ts";
import { HeadersConfigSchema } from "./headers-config.ts";

/**
 * `http.middleware.headers`: changes request headers before calling the rest of the chain and response
 * headers after it returns. Because it edits the finished response, its response changes always win over
 * the handler's (Caddy calls this "deferred"). Placeholders in values are filled from the request as this
 * middleware received it, before its own request changes.
 */
export const headers = defineModule({
  id: "http.middleware.headers",
  description: "Sets, adds and removes request and response headers.",
  configSchema: HeadersConfigSchema,
  create(config) {
    const requestOps = config.request === undefined ? undefined : resolveHeaderOps(config.request);
    const responseOps = config.response === undefined ? undefined : resolveHeaderOps(config.response);
    return {
      async handle(request, next) {
        const forwarded = requestOps === undefined ? request : { ...request, headers: applyHeaderOps(request.headers, requestOps, request) };
        const response = await next(forwarded);
        if (responseOps === undefined) return response;
        return { ...response, headers: applyHeaderOps(response.headers ?? {}, responseOps, request) };
      },
    };
  },
});

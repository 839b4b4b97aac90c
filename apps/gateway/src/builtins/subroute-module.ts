import { defineModule } from "@loom/sdk";
import * as z from "@loom/sdk/z";
import { RouteSchema } from "../config/route-schema.ts";
import { createRouter, NOT_FOUND } from "../routing/create-router.ts";

/**
 * `http.handlers.subroute`: a handler that holds routes of its own, loaded as guest modules through the
 * module context (as Caddy's subroute does). A request no inner route takes gets 404.
 */
export const subrouteModule = defineModule({
  id: "http.handlers.subroute",
  description: "Routes a request through routes of its own (guest middleware and handlers).",
  configSchema: z.strictObject({
    routes: z.array(RouteSchema).min(1).describe("Inner routes, tried in order."),
  }),
  async create(config, context) {
    const router = await createRouter(config.routes, (namespace, raw, keys) =>
      context.loadModule(namespace as "http.handlers", raw, ["routes", ...keys]) as never,
    );
    return {
      handle: (request, call) => router.dispatch(request, call) ?? NOT_FOUND,
    };
  },
});

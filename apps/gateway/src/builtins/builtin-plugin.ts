import { definePlugin } from "@loom/sdk";
import pkg from "../../package.json" with { type: "json" };
import { respondModule } from "./respond-module.ts";
import { subrouteModule } from "./subroute-module.ts";

/** Modules every gateway build has, whatever plugins it includes. */
export const builtinPlugin = definePlugin({
  name: "@loom/gateway",
  version: pkg.version,
  description: "The gateway's built-in modules.",
  modules: [respondModule, subrouteModule],
});

import * as z from "zod";
import type { NamespaceDefinition } from "./namespace.ts";

/**
 * The schema of a guest module's config inside a module's own config: an object whose inline key names
 * the guest (`{ "handler": "static", "root": "./www" }`). The rest is decoded later, strictly, by the
 * guest's own schema when the parent calls `context.loadModule`.
 */
export function guestSchema(namespace: Pick<NamespaceDefinition, "id" | "inlineKey">) {
  return z
    .looseObject({
      [namespace.inlineKey]: z.string().describe(`The ${namespace.id} module to use, e.g. one listed by list-modules.`),
    })
    .describe(`A ${namespace.id} module: "${namespace.inlineKey}" names it, the other keys are its config.`);
}

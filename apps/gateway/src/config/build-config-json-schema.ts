import type { Registry } from "@loom/runtime";
import * as z from "zod";
import { GatewayConfigSchema } from "./gateway-config.ts";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; items?: JsonSchema; required?: string[] };

const OPTIONS = { io: "input", unrepresentable: "any", target: "draft-2020-12" } as const;

/** One module's config as a JSON Schema variant: its own keys plus the inline key fixed to its name. */
function moduleVariant(registry: Registry, namespace: string): JsonSchema {
  const inlineKey = registry.namespace(namespace)!.inlineKey;
  const variants = registry
    .modules()
    .filter((m) => m.namespace === namespace)
    .map((m) => {
      const schema = z.toJSONSchema(m.definition.configSchema, OPTIONS) as JsonSchema;
      delete schema.$schema;
      return {
        ...schema,
        title: m.id,
        description: m.definition.description ?? m.id,
        properties: { [inlineKey]: { const: m.name, description: `${m.id} (${m.plugin.name})` }, ...(schema.properties ?? {}) },
        required: [inlineKey, ...(schema.required ?? [])],
        additionalProperties: false,
      };
    });
  return { anyOf: variants };
}

/**
 * The config's JSON Schema for editors: the gateway's own keys, with every handler and middleware slot
 * listing the modules of this build and their config, so an editor completes and checks module keys too.
 */
export function buildConfigJsonSchema(registry: Registry): JsonSchema {
  const schema = z.toJSONSchema(GatewayConfigSchema, OPTIONS) as JsonSchema;
  const route = schema.properties?.routes?.items;
  if (route?.properties?.handle && route.properties.middleware?.items) {
    route.properties.handle = { description: route.properties.handle.description, ...moduleVariant(registry, "http.handlers") };
    route.properties.middleware.items = moduleVariant(registry, "http.middleware");
  }
  return { ...schema, title: "Loom gateway config" };
}

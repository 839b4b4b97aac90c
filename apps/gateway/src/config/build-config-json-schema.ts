import type { Registry } from "@loom/runtime";
import * as z from "zod";
import { GatewayConfigSchema } from "./gateway-config.ts";

export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; items?: JsonSchema; required?: string[] };

const OPTIONS = { io: "input", unrepresentable: "any", target: "draft-2020-12" } as const;

/**
 * One module's config as a JSON Schema variant: its own keys plus the inline key fixed to its name.
 * `configSchemas` holds what out-of-tree plugins announced for their modules (their handshake's JSON
 * Schema); any other module's comes from its zod schema.
 */
function moduleVariant(registry: Registry, namespace: string, configSchemas: ReadonlyMap<string, JsonSchema>): JsonSchema {
  const inlineKey = registry.namespace(namespace)!.inlineKey;
  const variants = registry
    .modules()
    .filter((m) => m.namespace === namespace)
    .map((m) => {
      const announced = configSchemas.get(m.id);
      const schema = announced ? structuredClone(announced) : (z.toJSONSchema(m.definition.configSchema, OPTIONS) as JsonSchema);
      delete schema.$schema;
      return {
        ...schema,
        title: m.id,
        description: m.definition.description ?? m.id,
        properties: { [inlineKey]: { const: m.name, description: `${m.id} (${m.plugin.name})` }, ...(schema.properties ?? {}) },
        required: [inlineKey, ...(schema.required ?? [])],
        // Closed, but for a config that is any object: a plugin that announced no schema (protocol v1
        // makes it optional) takes what its module validates itself.
        additionalProperties: typeof schema.additionalProperties === "object" ? schema.additionalProperties : false,
      };
    });
  return { anyOf: variants };
}

/**
 * The config's JSON Schema for editors: the gateway's own keys, with every handler and middleware slot
 * listing the modules of this build and their config, so an editor completes and checks module keys too.
 */
export function buildConfigJsonSchema(registry: Registry, configSchemas: ReadonlyMap<string, JsonSchema> = new Map()): JsonSchema {
  const schema = z.toJSONSchema(GatewayConfigSchema, OPTIONS) as JsonSchema;
  const route = schema.properties?.routes?.items;
  if (route?.properties?.handle && route.properties.middleware?.items) {
    route.properties.handle = { description: route.properties.handle.description, ...moduleVariant(registry, "http.handlers", configSchemas) };
    route.properties.middleware.items = moduleVariant(registry, "http.middleware", configSchemas);
  }
  return { ...schema, title: "Loom gateway config" };
}

import { PROTOCOL_VERSIONS } from "@loom/protocol";
import type { HandshakeMessage, ModuleDescriptor, PluginLaunch } from "@loom/protocol";
import * as z from "zod";
import type { PluginDefinition } from "../plugin.ts";
import type { ServedModule } from "./resolve-served-modules.ts";
import { strictConfigSchema } from "./strict-config-schema.ts";

/** The JSON Schema of a config as people write it, with the options the host's schema command uses. */
function configJsonSchema(schema: z.ZodType): Record<string, unknown> | undefined {
  try {
    return z.toJSONSchema(strictConfigSchema(schema), { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  } catch {
    // A schema zod cannot describe (e.g. a custom check with a cycle): announce the module without one.
    return undefined;
  }
}

export interface HandshakeInput {
  plugin: PluginDefinition;
  launch: PluginLaunch;
  /** The version chooseProtocolVersion picked. */
  protocolVersion: number;
  modules: Iterable<ServedModule>;
  maxFrameBytes: number;
  maxConcurrentCalls?: number;
}

/**
 * The plugin's first frame: versions, the nonce echoed, `cancel`, limits, and every served module; with
 * each module's config JSON Schema only when the host asked (LOOM_PLUGIN_DESCRIBE): building them was
 * ~4 ms of every start (cold `z.toJSONSchema` code), and only `gateway schema` reads them.
 */
export function buildHandshake(input: HandshakeInput): HandshakeMessage {
  const modules: ModuleDescriptor[] = [];
  for (const { definition, namespace } of input.modules) {
    const descriptor: ModuleDescriptor = { id: definition.id, methods: [...namespace.methods] };
    if (definition.description !== undefined) descriptor.description = definition.description;
    const configSchema = input.launch.describe ? configJsonSchema(definition.configSchema) : undefined;
    if (configSchema !== undefined) descriptor.configSchema = configSchema;
    modules.push(descriptor);
  }
  const handshake: HandshakeMessage = {
    type: "handshake",
    id: 0,
    protocolVersions: [...PROTOCOL_VERSIONS],
    protocolVersion: input.protocolVersion,
    nonce: input.launch.nonce,
    plugin: { name: input.plugin.name, version: input.plugin.version },
    capabilities: ["cancel"],
    maxFrameBytes: input.maxFrameBytes,
    modules,
  };
  if (input.maxConcurrentCalls !== undefined) handshake.maxConcurrentCalls = input.maxConcurrentCalls;
  return handshake;
}

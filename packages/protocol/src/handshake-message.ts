import * as z from "zod";
import { MAX_U32, MIN_MAX_FRAME_BYTES } from "./frame-layout.ts";

/**
 * Message schemas validate a frame's JSON object plus its header's `type` and `id`. They are not strict:
 * unknown fields are dropped, so a later minor revision can add fields that older peers ignore.
 */

/** A protocol version: a positive integer; v1 is `1`. */
export const ProtocolVersionSchema = z.number().int().min(1).max(MAX_U32);

/** One module a plugin provides, as announced in its handshake. */
export const ModuleDescriptorSchema = z.object({
  id: z.string().min(1).describe("The dotted module ID, e.g. http.handlers.static."),
  methods: z
    .array(z.string().min(1))
    .describe("The methods of the module's namespace interface, e.g. [\"handle\"]; lifecycle methods are implied."),
  description: z.string().optional().describe("One sentence for list-modules."),
  configSchema: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("The JSON Schema of the module's config, for editors and the host's schema command."),
});

export type ModuleDescriptor = z.infer<typeof ModuleDescriptorSchema>;

/** The plugin's first frame (plugin → host, id 0). */
export const HandshakeMessageSchema = z
  .object({
    type: z.literal("handshake"),
    id: z.literal(0),
    protocolVersions: z.array(ProtocolVersionSchema).min(1).describe("Every protocol version the plugin speaks."),
    protocolVersion: ProtocolVersionSchema.describe("The chosen version: the highest one both sides speak."),
    nonce: z.string().min(1).describe("The per-launch nonce from LOOM_PLUGIN_NONCE, echoed."),
    plugin: z.object({
      name: z.string().min(1).describe("The plugin's package name."),
      version: z.string().min(1).describe("The plugin's version."),
    }),
    capabilities: z.array(z.string()).describe('Optional features the plugin supports, e.g. "cancel"; unknown ones are ignored.'),
    maxFrameBytes: z
      .number()
      .int()
      .min(MIN_MAX_FRAME_BYTES)
      .max(MAX_U32)
      .optional()
      .describe("The largest frame length the plugin accepts; 16 MiB when absent."),
    maxConcurrentCalls: z
      .number()
      .int()
      .min(1)
      .max(MAX_U32)
      .optional()
      .describe("How many calls the plugin runs at once; the host queues the rest. Unlimited when absent."),
    modules: z.array(ModuleDescriptorSchema).describe("The modules the plugin provides."),
  })
  .refine((message) => message.protocolVersions.includes(message.protocolVersion), {
    path: ["protocolVersion"],
    message: "must be one of protocolVersions",
  });

export type HandshakeMessage = z.infer<typeof HandshakeMessageSchema>;

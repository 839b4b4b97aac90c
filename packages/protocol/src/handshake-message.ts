import * as z from "zod/mini";
import { described } from "./described.ts";
import { MAX_U32, MIN_MAX_FRAME_BYTES } from "./frame-layout.ts";
import { lazySchema } from "./lazy-schema.ts";

/**
 * Message schemas validate a frame's JSON object plus its header's `type` and `id`. They are not strict:
 * unknown fields are dropped, so a later minor revision can add fields that older peers ignore. They
 * are zod/mini schemas, built on first use (lazySchema): a plugin process never parses a handshake,
 * and classic zod's schemas cost several times as much to build (docs/decisions.md, §29).
 */

/** A protocol version: a positive integer; v1 is `1`. A new schema per call (each field describes its own). */
const protocolVersion = () => z.int().check(z.minimum(1), z.maximum(MAX_U32));
export const protocolVersionSchema = lazySchema(protocolVersion);

/** One module a plugin provides, as announced in its handshake. */
export const moduleDescriptorSchema = lazySchema(() =>
  z.object({
    id: described(z.string().check(z.minLength(1)), "The dotted module ID, e.g. http.handlers.static."),
    methods: described(
      z.array(z.string().check(z.minLength(1))),
      "The methods of the module's namespace interface, e.g. [\"handle\"]; lifecycle methods are implied.",
    ),
    description: described(z.optional(z.string()), "One sentence for list-modules."),
    configSchema: described(
      z.optional(z.record(z.string(), z.unknown())),
      "The JSON Schema of the module's config, for editors and the host's schema command.",
    ),
  }),
);

export type ModuleDescriptor = z.infer<ReturnType<typeof moduleDescriptorSchema>>;

/** The plugin's first frame (plugin → host, id 0). */
export const handshakeMessageSchema = lazySchema(() =>
  z
    .object({
      type: z.literal("handshake"),
      id: z.literal(0),
      protocolVersions: described(z.array(protocolVersion()).check(z.minLength(1)), "Every protocol version the plugin speaks."),
      protocolVersion: described(protocolVersion(), "The chosen version: the highest one both sides speak."),
      nonce: described(z.string().check(z.minLength(1)), "The per-launch nonce from LOOM_PLUGIN_NONCE, echoed."),
      plugin: z.object({
        name: described(z.string().check(z.minLength(1)), "The plugin's package name."),
        version: described(z.string().check(z.minLength(1)), "The plugin's version."),
      }),
      capabilities: described(z.array(z.string()), 'Optional features the plugin supports, e.g. "cancel"; unknown ones are ignored.'),
      maxFrameBytes: described(
        z.optional(z.int().check(z.minimum(MIN_MAX_FRAME_BYTES), z.maximum(MAX_U32))),
        "The largest frame length the plugin accepts; 16 MiB when absent.",
      ),
      maxConcurrentCalls: described(
        z.optional(z.int().check(z.minimum(1), z.maximum(MAX_U32))),
        "How many calls the plugin runs at once; the host queues the rest. Unlimited when absent.",
      ),
      modules: described(z.array(moduleDescriptorSchema()), "The modules the plugin provides."),
    })
    .check(
      z.refine((message) => message.protocolVersions.includes(message.protocolVersion), {
        path: ["protocolVersion"],
        message: "must be one of protocolVersions",
      }),
    ),
);

export type HandshakeMessage = z.infer<ReturnType<typeof handshakeMessageSchema>>;

import * as z from "zod/mini";
import { described } from "./described.ts";
import { MAX_U32 } from "./frame-layout.ts";
import type { FrameTypeName } from "./frame-type.ts";
import { handshakeMessageSchema } from "./handshake-message.ts";
import { jitObject } from "./jit-object.ts";
import { lazySchema } from "./lazy-schema.ts";

/**
 * One zod schema per protocol v1 message, over the frame's JSON fields plus the header's `type` and `id`
 * (docs/protocol.md, "Message types"). Not strict: unknown fields are dropped for forward compatibility.
 * Values may hold Uint8Array wherever the JSON had a `{"$bytes": [offset, length]}` reference. Each
 * schema is built on first use (lazySchema, zod/mini): see handshake-message.ts. Their objects are
 * jitObject, zod/mini with classic zod's compiled parser: `call` and `result` are every call's frames.
 */

/** The id of a request and of its reply: 1 … 2³²−1, chosen by the host. */
const requestId = () => z.int().check(z.minimum(1), z.maximum(MAX_U32));

/** Milliseconds, as a positive integer that fits a timer (2³¹−1 at most). */
const milliseconds = () => z.int().check(z.minimum(1), z.maximum(2 ** 31 - 1));

const instanceId = () => described(z.string().check(z.minLength(1)), "An instance id the plugin returned in `created`.");

/** The builders of every message's schema, by type. */
const BUILDERS = {
  handshake: handshakeMessageSchema,
  /** A connection-level or call-level failure, either way. id 0: the connection; otherwise the request it answers. */
  error: lazySchema(() =>
    jitObject({
      type: z.literal("error"),
      id: z.int().check(z.minimum(0), z.maximum(MAX_U32)),
      code: described(z.string().check(z.minLength(1)), "An ErrorCode; a receiver treats a code it does not know as PLUGIN_CALL_FAILED."),
      message: described(z.string(), "What went wrong, for people."),
      data: described(z.optional(z.unknown()), "Any JSON value with details, e.g. { diagnostics: [...] }."),
    }),
  ),
  /** Host → plugin, id 0: stop taking work, finish what is in flight within the deadline, exit 0. */
  shutdown: lazySchema(() =>
    jitObject({
      type: z.literal("shutdown"),
      id: z.literal(0),
      deadlineMs: described(milliseconds(), "Milliseconds the plugin has before the host sends SIGTERM."),
    }),
  ),
  /** Host → plugin: are you alive and serving? */
  health: lazySchema(() => jitObject({ type: z.literal("health"), id: requestId() })),
  /** Plugin → host: the answer to `health`. */
  "health-ok": lazySchema(() =>
    jitObject({
      type: z.literal("health-ok"),
      id: requestId(),
      inFlight: described(z.optional(z.int().check(z.minimum(0))), "Calls the plugin is running now."),
    }),
  ),
  /** Host → plugin: build an instance of a module from its config. */
  create: lazySchema(() =>
    jitObject({
      type: z.literal("create"),
      id: requestId(),
      module: described(z.string().check(z.minLength(1)), "The module ID, one the handshake announced."),
      config: described(z.unknown(), "The module's config from the host config (JSON); the plugin validates it."),
      path: described(z.optional(z.string()), "Where the config sits in the host config, e.g. routes[0].handle, for errors."),
    }),
  ),
  /** Plugin → host: the instance `create` built. */
  created: lazySchema(() => jitObject({ type: z.literal("created"), id: requestId(), instance: instanceId() })),
  /** Host → plugin: forget an instance (after its stop and cleanup calls). */
  destroy: lazySchema(() => jitObject({ type: z.literal("destroy"), id: requestId(), instance: instanceId() })),
  /** Host → plugin: call a method (or lifecycle step) of an instance. */
  call: lazySchema(() =>
    jitObject({
      type: z.literal("call"),
      id: requestId(),
      instance: instanceId(),
      method: described(z.string().check(z.minLength(1)), "A method of the module's interface, or provision/validate/start/stop/cleanup."),
      args: described(z.array(z.unknown()), "The arguments, as JSON values with $bytes references."),
      deadlineMs: described(milliseconds(), "Milliseconds left until the host gives up on the call, counted from receipt."),
    }),
  ),
  /** Plugin → host: a call (or destroy) succeeded. */
  result: lazySchema(() =>
    jitObject({
      type: z.literal("result"),
      id: requestId(),
      value: described(z.optional(z.unknown()), "The return value; absent for none."),
    }),
  ),
  /** Host → plugin: stop working on the call with this id; it still gets exactly one reply. */
  cancel: lazySchema(() =>
    jitObject({
      type: z.literal("cancel"),
      id: requestId(),
      reason: described(z.optional(z.string()), "Why, for the plugin's logs."),
    }),
  ),
} as const satisfies Record<FrameTypeName, () => z.ZodMiniType>;

type Builders = typeof BUILDERS;
/** The message of each frame type. */
export type MessageOf<T extends FrameTypeName> = z.infer<ReturnType<Builders[T]>>;

export type FrameMessage = { [T in FrameTypeName]: MessageOf<T> }[FrameTypeName];
export type ErrorMessage = MessageOf<"error">;
export type ShutdownMessage = MessageOf<"shutdown">;
export type HealthMessage = MessageOf<"health">;
export type HealthOkMessage = MessageOf<"health-ok">;
export type CreateMessage = MessageOf<"create">;
export type CreatedMessage = MessageOf<"created">;
export type DestroyMessage = MessageOf<"destroy">;
export type CallMessage = MessageOf<"call">;
export type ResultMessage = MessageOf<"result">;
export type CancelMessage = MessageOf<"cancel">;

/** The schema of one message type, for decoding a frame whose type is already known; built on first use. */
export function frameMessageSchema<T extends FrameTypeName>(type: T): ReturnType<Builders[T]> {
  return BUILDERS[type]() as ReturnType<Builders[T]>;
}

/** Every frame type that has a schema. */
export const FRAME_MESSAGE_TYPES = Object.keys(BUILDERS) as FrameTypeName[];

/** Every message, discriminated by `type` (builds every schema: for tests and tools, not the call path). */
export const frameMessageUnionSchema = lazySchema(() =>
  z.discriminatedUnion("type", [
    BUILDERS.handshake(),
    BUILDERS.error(),
    BUILDERS.shutdown(),
    BUILDERS.health(),
    BUILDERS["health-ok"](),
    BUILDERS.create(),
    BUILDERS.created(),
    BUILDERS.destroy(),
    BUILDERS.call(),
    BUILDERS.result(),
    BUILDERS.cancel(),
  ]),
);

import * as z from "zod";
import { MAX_U32 } from "./frame-layout.ts";
import type { FrameTypeName } from "./frame-type.ts";
import { HandshakeMessageSchema } from "./handshake-message.ts";

/**
 * One zod schema per protocol v1 message, over the frame's JSON fields plus the header's `type` and `id`
 * (docs/protocol.md, "Message types"). Not strict: unknown fields are dropped for forward compatibility.
 * Values may hold Uint8Array wherever the JSON had a `{"$bytes": [offset, length]}` reference.
 */

/** The id of a request and of its reply: 1 … 2³²−1, chosen by the host. */
export const RequestIdSchema = z.number().int().min(1).max(MAX_U32);

/** Milliseconds, as a positive integer that fits a timer (2³¹−1 at most). */
const MillisecondsSchema = z.number().int().min(1).max(2 ** 31 - 1);

const InstanceIdSchema = z.string().min(1).describe("An instance id the plugin returned in `created`.");

/** A connection-level or call-level failure, either way. id 0: the connection; otherwise the request it answers. */
export const ErrorMessageSchema = z.object({
  type: z.literal("error"),
  id: z.number().int().min(0).max(MAX_U32),
  code: z.string().min(1).describe("An ErrorCode; a receiver treats a code it does not know as PLUGIN_CALL_FAILED."),
  message: z.string().describe("What went wrong, for people."),
  data: z.unknown().optional().describe("Any JSON value with details, e.g. { diagnostics: [...] }."),
});

/** Host → plugin, id 0: stop taking work, finish what is in flight within the deadline, exit 0. */
export const ShutdownMessageSchema = z.object({
  type: z.literal("shutdown"),
  id: z.literal(0),
  deadlineMs: MillisecondsSchema.describe("Milliseconds the plugin has before the host sends SIGTERM."),
});

/** Host → plugin: are you alive and serving? */
export const HealthMessageSchema = z.object({ type: z.literal("health"), id: RequestIdSchema });

/** Plugin → host: the answer to `health`. */
export const HealthOkMessageSchema = z.object({
  type: z.literal("health-ok"),
  id: RequestIdSchema,
  inFlight: z.number().int().min(0).optional().describe("Calls the plugin is running now."),
});

/** Host → plugin: build an instance of a module from its config. */
export const CreateMessageSchema = z.object({
  type: z.literal("create"),
  id: RequestIdSchema,
  module: z.string().min(1).describe("The module ID, one the handshake announced."),
  config: z.unknown().describe("The module's config from the host config (JSON); the plugin validates it."),
  path: z.string().optional().describe("Where the config sits in the host config, e.g. routes[0].handle, for errors."),
});

/** Plugin → host: the instance `create` built. */
export const CreatedMessageSchema = z.object({ type: z.literal("created"), id: RequestIdSchema, instance: InstanceIdSchema });

/** Host → plugin: forget an instance (after its stop and cleanup calls). */
export const DestroyMessageSchema = z.object({ type: z.literal("destroy"), id: RequestIdSchema, instance: InstanceIdSchema });

/** Host → plugin: call a method (or lifecycle step) of an instance. */
export const CallMessageSchema = z.object({
  type: z.literal("call"),
  id: RequestIdSchema,
  instance: InstanceIdSchema,
  method: z.string().min(1).describe("A method of the module's interface, or provision/validate/start/stop/cleanup."),
  args: z.array(z.unknown()).describe("The arguments, as JSON values with $bytes references."),
  deadlineMs: MillisecondsSchema.describe("Milliseconds left until the host gives up on the call, counted from receipt."),
});

/** Plugin → host: a call (or destroy) succeeded. */
export const ResultMessageSchema = z.object({
  type: z.literal("result"),
  id: RequestIdSchema,
  value: z.unknown().optional().describe("The return value; absent for none."),
});

/** Host → plugin: stop working on the call with this id; it still gets exactly one reply. */
export const CancelMessageSchema = z.object({
  type: z.literal("cancel"),
  id: RequestIdSchema,
  reason: z.string().optional().describe("Why, for the plugin's logs."),
});

/** Every message, discriminated by `type`. */
export const FrameMessageSchema = z.discriminatedUnion("type", [
  HandshakeMessageSchema,
  ErrorMessageSchema,
  ShutdownMessageSchema,
  HealthMessageSchema,
  HealthOkMessageSchema,
  CreateMessageSchema,
  CreatedMessageSchema,
  DestroyMessageSchema,
  CallMessageSchema,
  ResultMessageSchema,
  CancelMessageSchema,
]);

export type FrameMessage = z.infer<typeof FrameMessageSchema>;
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;
export type ShutdownMessage = z.infer<typeof ShutdownMessageSchema>;
export type HealthMessage = z.infer<typeof HealthMessageSchema>;
export type HealthOkMessage = z.infer<typeof HealthOkMessageSchema>;
export type CreateMessage = z.infer<typeof CreateMessageSchema>;
export type CreatedMessage = z.infer<typeof CreatedMessageSchema>;
export type DestroyMessage = z.infer<typeof DestroyMessageSchema>;
export type CallMessage = z.infer<typeof CallMessageSchema>;
export type ResultMessage = z.infer<typeof ResultMessageSchema>;
export type CancelMessage = z.infer<typeof CancelMessageSchema>;

/** The schema of each message type, for decoding a frame whose type is already known. */
export const FRAME_MESSAGE_SCHEMAS: Readonly<Record<FrameTypeName, z.ZodType<FrameMessage>>> = {
  handshake: HandshakeMessageSchema,
  error: ErrorMessageSchema,
  shutdown: ShutdownMessageSchema,
  health: HealthMessageSchema,
  "health-ok": HealthOkMessageSchema,
  create: CreateMessageSchema,
  created: CreatedMessageSchema,
  destroy: DestroyMessageSchema,
  call: CallMessageSchema,
  result: ResultMessageSchema,
  cancel: CancelMessageSchema,
};

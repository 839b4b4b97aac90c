export { ErrorCode } from "./error-codes.ts";
export { LoomError, isLoomError } from "./loom-error.ts";
export type { LoomErrorData } from "./loom-error.ts";
export { DiagnosticSchema } from "./diagnostic.ts";
export { formatDiagnostic } from "./format-diagnostic.ts";
export type { Diagnostic } from "./diagnostic.ts";
export {
  BodyStreamSchema,
  BytesSchema,
  HeaderValueSchema,
  HeadersSchema,
  HttpRequestSchema,
  HttpResponseSchema,
} from "./http-values.ts";
export type { BodyStream, Headers, HttpRequest, HttpResponse } from "./http-values.ts";
export { DistributionManifestSchema, PlacementSchema, PluginEntrySchema, PluginRefSchema } from "./distribution-manifest.ts";
export type { DistributionManifest, Placement, PluginRef } from "./distribution-manifest.ts";
export { resolvePluginRef } from "./resolve-plugin-ref.ts";
export type { ResolvedPluginRef } from "./resolve-plugin-ref.ts";
export { didYouMean } from "./did-you-mean.ts";
export { parseJsonText } from "./parse-json-text.ts";
export { PackageJsonSchema, packageEntry } from "./package-json.ts";
export type { PackageJson } from "./package-json.ts";
export {
  BYTES_KEY,
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_FIXED_BYTES,
  FRAME_HEADER_BYTES,
  FRAME_PREFIX_BYTES,
  MAX_JSON_DEPTH,
  MAX_U32,
  MIN_MAX_FRAME_BYTES,
} from "./frame-layout.ts";
export { FRAME_SENDER, FrameType, frameTypeName } from "./frame-type.ts";
export type { FrameTypeName } from "./frame-type.ts";
export { handshakeMessageSchema, moduleDescriptorSchema, protocolVersionSchema } from "./handshake-message.ts";
export type { HandshakeMessage, ModuleDescriptor } from "./handshake-message.ts";
export { FRAME_MESSAGE_TYPES, frameMessageSchema, frameMessageUnionSchema } from "./frame-message.ts";
export type {
  CallMessage,
  CancelMessage,
  CreateMessage,
  CreatedMessage,
  DestroyMessage,
  ErrorMessage,
  FrameMessage,
  HealthMessage,
  HealthOkMessage,
  MessageOf,
  ResultMessage,
  ShutdownMessage,
} from "./frame-message.ts";
export { encodeFrame } from "./encode-frame.ts";
export type { EncodeFrameOptions } from "./encode-frame.ts";
export { BATCH_FLUSH_FRAMES, FrameBatch } from "./frame-batch.ts";
export { DeadlineSweep } from "./deadline-sweep.ts";
export { FrameDecoder } from "./frame-decoder.ts";
export type { FrameDecoderOptions, RawFrame } from "./frame-decoder.ts";
export { parseFrameMessage } from "./parse-frame-message.ts";
export type { ParseFrameMessageOptions } from "./parse-frame-message.ts";
export { PROTOCOL_VERSIONS, chooseProtocolVersion } from "./choose-protocol-version.ts";
export { checkHandshake } from "./check-handshake.ts";
export type { HandshakeExpectation } from "./check-handshake.ts";
export {
  EXEC_CHANNEL_FDS,
  PLUGIN_CHANNEL_FDS,
  PLUGIN_MAGIC_COOKIE,
  PLUGIN_NOT_HOSTED_MESSAGE,
  PluginEnv,
  PLUGIN_MODES,
  pluginEnvSchema,
  formatPluginEnv,
} from "./plugin-env.ts";
export type { PluginLaunch, PluginLaunchInput, PluginMode } from "./plugin-env.ts";
export { parsePluginEnv } from "./parse-plugin-env.ts";

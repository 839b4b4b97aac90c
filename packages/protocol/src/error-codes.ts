/**
 * Every error code Loom raises. Codes that cross a process boundary travel as `{ code, message, data? }`,
 * so the table lives here, in the leaf package. Values equal keys so a code reads the same in logs and JSON.
 */
export const ErrorCode = {
  /** A config or manifest file could not be read. */
  CONFIG_UNREADABLE: "CONFIG_UNREADABLE",
  /** A config or manifest file is not valid JSON or YAML. */
  CONFIG_SYNTAX: "CONFIG_SYNTAX",
  /** A config value does not match its schema. */
  CONFIG_INVALID: "CONFIG_INVALID",
  /** A config names a module ID that no plugin provides. */
  MODULE_UNKNOWN: "MODULE_UNKNOWN",
  /** Two plugins provide the same module ID. */
  MODULE_DUPLICATE: "MODULE_DUPLICATE",
  /** A module definition itself is malformed (bad ID, missing schema). */
  MODULE_DEFINITION_INVALID: "MODULE_DEFINITION_INVALID",
  /** A module's instance does not implement its namespace's interface. */
  MODULE_INSTANCE_INVALID: "MODULE_INSTANCE_INVALID",
  /** A lifecycle step (create, provision, validate, start) of a module failed. */
  MODULE_LIFECYCLE_FAILED: "MODULE_LIFECYCLE_FAILED",
  /** A plugin returned a value that breaks its namespace's contract. */
  PLUGIN_RESULT_INVALID: "PLUGIN_RESULT_INVALID",
  /** A plugin call threw. */
  PLUGIN_CALL_FAILED: "PLUGIN_CALL_FAILED",
  /** A reload was refused; the previous config keeps serving. */
  RELOAD_FAILED: "RELOAD_FAILED",
  /** A listener could not bind its address. */
  LISTEN_FAILED: "LISTEN_FAILED",
  /** A request body exceeded the configured limit. */
  BODY_TOO_LARGE: "BODY_TOO_LARGE",
  /** The package registry could not be reached, or answered with an error. */
  REGISTRY_UNREACHABLE: "REGISTRY_UNREACHABLE",
  /** A package or version is not in the registry, or its download does not match its integrity. */
  REGISTRY_PACKAGE_INVALID: "REGISTRY_PACKAGE_INVALID",
  /** A peer broke subprocess protocol v1: a malformed frame, an unknown frame type, an invalid message. */
  PROTOCOL_ERROR: "PROTOCOL_ERROR",
  /** The host and a plugin share no protocol version; the message names both lists. */
  PROTOCOL_VERSION_MISMATCH: "PROTOCOL_VERSION_MISMATCH",
  /** A frame is larger than its receiver's maximum frame size. */
  FRAME_TOO_LARGE: "FRAME_TOO_LARGE",
  /** A plugin's handshake (or its launch environment) is invalid: wrong nonce, version or fields. */
  HANDSHAKE_FAILED: "HANDSHAKE_FAILED",
  /** A plugin process could not be started, or exited or stayed silent before its handshake. */
  PLUGIN_START_FAILED: "PLUGIN_START_FAILED",
  /** A plugin process exited or closed its channel while running; its pending calls fail with this. */
  PLUGIN_CRASHED: "PLUGIN_CRASHED",
  /** A call to a plugin passed its deadline. */
  PLUGIN_TIMEOUT: "PLUGIN_TIMEOUT",
  /** A plugin has too many calls: the host's queue for it is full, or the plugin refused the call. */
  PLUGIN_OVERLOADED: "PLUGIN_OVERLOADED",
  /** A plugin is shutting down and takes no new calls. */
  PLUGIN_STOPPING: "PLUGIN_STOPPING",
  /** A call or destroy names a module instance or method the plugin does not have. */
  PLUGIN_TARGET_UNKNOWN: "PLUGIN_TARGET_UNKNOWN",
  /** The host cancelled the call. */
  CALL_CANCELLED: "CALL_CANCELLED",
  /** A command-line argument is wrong. */
  USAGE: "USAGE",
  /** Anything else: a bug in Loom. */
  INTERNAL: "INTERNAL",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

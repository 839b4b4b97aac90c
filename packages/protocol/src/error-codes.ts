/**
 * Every error code Loom raises. Codes that cross a process boundary travel as `{ code, message, data? }`,
 * so the table lives here, in the leaf package. Values equal keys so a code reads the same in logs and JSON.
 */
export const ErrorCode = {
  /** A config or manifest file could not be read. */
  CONFIG_UNREADABLE: "CONFIG_UNREADABLE",
  /** A config file is not valid JSON. */
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
  /** A command-line argument is wrong. */
  USAGE: "USAGE",
  /** Anything else: a bug in Loom. */
  INTERNAL: "INTERNAL",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

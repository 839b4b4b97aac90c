/**
 * `@loom/sdk/serve` (Node only): `serve(plugin)` runs the same plugin that runs bundled as a subprocess
 * plugin, speaking protocol v1 (docs/protocol.md) to the host that started it.
 */
export { serve } from "./serve.ts";
export type { ServeOptions } from "./serve.ts";
export { currentCall } from "./current-call.ts";
export type { CallInfo } from "./current-call.ts";
export type { ServedNamespace } from "./served-namespace.ts";
export type { LogLevel } from "./create-json-logger.ts";

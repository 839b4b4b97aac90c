/**
 * `@loom/protocol/errors`: the error table and LoomError without the schemas, so it imports no zod. A
 * program whose quick commands must start fast (a bundled host's `version`) imports errors from here.
 */
export { ErrorCode } from "./error-codes.ts";
export { LoomError, isLoomError } from "./loom-error.ts";
export type { LoomErrorData } from "./loom-error.ts";
export { formatDiagnostic } from "./format-diagnostic.ts";
export type { Diagnostic } from "./diagnostic.ts";

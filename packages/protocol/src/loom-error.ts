import type { Diagnostic } from "./diagnostic.ts";
import { formatDiagnostic } from "./format-diagnostic.ts";
import type { ErrorCode } from "./error-codes.ts";

/** The plain form a LoomError takes on the wire and in JSON output. */
export interface LoomErrorData {
  code: ErrorCode;
  message: string;
  diagnostics?: Diagnostic[];
}

/**
 * The one error class of Loom. `code` comes from the ErrorCode table; `diagnostics` carries every
 * problem when several were found at once (a config with three mistakes reports all three).
 */
export class LoomError extends Error {
  override readonly name = "LoomError";
  readonly code: ErrorCode;
  readonly diagnostics: Diagnostic[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; diagnostics?: Diagnostic[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.diagnostics = options.diagnostics ?? [];
  }

  /** Builds one error from a list of diagnostics; the message lists them all. */
  static fromDiagnostics(code: ErrorCode, summary: string, diagnostics: Diagnostic[]): LoomError {
    const body = diagnostics.map((d) => `  - ${formatDiagnostic(d).replace(/\n/g, "\n    ")}`).join("\n");
    return new LoomError(code, `${summary}\n${body}`, { diagnostics });
  }

  toJSON(): LoomErrorData {
    return this.diagnostics.length > 0
      ? { code: this.code, message: this.message, diagnostics: this.diagnostics }
      : { code: this.code, message: this.message };
  }
}

/** True for a LoomError, also one created by another copy of this package. */
export function isLoomError(value: unknown): value is LoomError {
  return value instanceof Error && value.name === "LoomError" && typeof (value as { code?: unknown }).code === "string";
}

import { isLoomError } from "@loom/protocol";
import type { ErrorCode } from "@loom/protocol";

/** An error as it travels in an `error` frame. */
export interface ErrorFields {
  code: string;
  message: string;
  data?: unknown;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Maps what a module threw to an error frame's fields. A LoomError keeps its code when `keepCode` (a
 * method call) and its diagnostics travel as `data.diagnostics`; anything else becomes `code` with the
 * exception's message, prefixed by `prefix` (e.g. `provision failed: `).
 */
export function errorFields(error: unknown, code: ErrorCode, options: { keepCode?: boolean; prefix?: string } = {}): ErrorFields {
  const message = `${options.prefix ?? ""}${messageOf(error)}`;
  if (!isLoomError(error)) return { code, message };
  const fields: ErrorFields = { code: options.keepCode ? error.code : code, message };
  if (error.diagnostics.length > 0) fields.data = { diagnostics: error.diagnostics };
  return fields;
}

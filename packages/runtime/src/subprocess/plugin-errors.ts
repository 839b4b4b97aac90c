import { DiagnosticSchema, ErrorCode, LoomError } from "@loom/protocol";
import type { Diagnostic, ErrorMessage } from "@loom/protocol";
import * as z from "zod";

/** How a process ended, as the exit event reports it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
const DiagnosticsDataSchema = z.looseObject({ diagnostics: z.array(DiagnosticSchema) });

/** `exited with code 3` or `was killed by SIGKILL`. */
export function describeExit(exit: ProcessExit): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? "?"}`;
}

/** Appends a plugin's last stderr lines to a message, indented, when there are any. */
export function withStderrTail(message: string, tail: readonly string[]): string {
  if (tail.length === 0) return `${message} (it wrote nothing to stderr)`;
  return `${message}; its last stderr lines:\n${tail.map((line) => `  | ${line}`).join("\n")}`;
}

/**
 * The error a plugin replied with, as a LoomError: its code when the table knows it, otherwise
 * PLUGIN_CALL_FAILED keeping the original code in the message (docs/protocol.md, "Errors");
 * `data.diagnostics`, when well-formed, become the error's diagnostics.
 */
export function errorFromReply(reply: ErrorMessage, what: string): LoomError {
  const known = KNOWN_CODES.has(reply.code);
  const code = known ? (reply.code as ErrorCode) : ErrorCode.PLUGIN_CALL_FAILED;
  const message = `${what}: ${known ? "" : `[${reply.code}] `}${reply.message}`;
  const data = DiagnosticsDataSchema.safeParse(reply.data);
  const diagnostics: Diagnostic[] = data.success ? data.data.diagnostics : [];
  if (diagnostics.length > 0) return LoomError.fromDiagnostics(code, message, diagnostics);
  return new LoomError(code, message);
}

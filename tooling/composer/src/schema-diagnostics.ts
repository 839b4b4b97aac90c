import { ErrorCode } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type { z } from "zod";

/** A file's schema problems as diagnostics: the file, the key's dotted path, zod's message and an optional fix. */
export function schemaDiagnostics(file: string, issues: readonly z.core.$ZodIssue[], hint?: string): Diagnostic[] {
  return issues.map((issue) => ({
    code: ErrorCode.CONFIG_INVALID,
    file,
    path: issue.path.join(".") || "(root)",
    message: issue.message,
    ...(hint ? { hint } : {}),
  }));
}

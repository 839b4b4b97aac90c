import { ErrorCode } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type * as z from "zod";
import { joinPaths } from "./json-path.ts";

/** Turns zod issues into diagnostics whose paths are rooted at `basePath`. */
export function zodDiagnostics(
  error: z.ZodError,
  basePath: string,
  extra: Partial<Diagnostic> = {},
): Diagnostic[] {
  return error.issues.map((issue) => {
    const diagnostic: Diagnostic = {
      code: ErrorCode.CONFIG_INVALID,
      path: joinPaths(basePath, issue.path) || "(root)",
      message: describeIssue(issue),
      ...extra,
    };
    if (issue.code === "unrecognized_keys") diagnostic.hint = "remove the key or fix its spelling; the JSON Schema lists the keys";
    return diagnostic;
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  }
  return issue.message;
}

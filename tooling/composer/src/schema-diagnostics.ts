import { ErrorCode } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type * as z from "zod";

type Issue = z.core.$ZodIssue;

/** A union branch the value did not even have the type of: a root-level invalid_type. */
const wrongType = (issues: readonly Issue[]) => issues.length === 1 && issues[0]!.code === "invalid_type" && issues[0]!.path.length === 0;

/**
 * The issues people should see. A union (a plugin is a string or an object) fails as one "Invalid input";
 * when the value had the type of exactly one branch, that branch's own issues say what is wrong
 * (`plugins.0.placement: Invalid option: expected one of …`), under the union's path.
 */
function explain(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union") return [issue];
    const matching = issue.errors.filter((branch) => !wrongType(branch));
    if (matching.length !== 1) return [issue];
    return explain(matching[0]!).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
  });
}

/** A file's schema problems as diagnostics: the file, the key's dotted path, zod's message and an optional fix. */
export function schemaDiagnostics(file: string, issues: readonly Issue[], hint?: string): Diagnostic[] {
  return explain(issues).map((issue) => ({
    code: ErrorCode.CONFIG_INVALID,
    file,
    path: issue.path.join(".") || "(root)",
    message: issue.message,
    ...(hint ? { hint } : {}),
  }));
}

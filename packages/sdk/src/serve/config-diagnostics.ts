import { ErrorCode } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type * as z from "zod";

/** Appends a key to a JSON path the way the runtime does: `routes` + 0 → `routes[0]`, + `a b` → `routes["a b"]`. */
function joinPath(base: string, key: PropertyKey): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const name = String(key);
  if (!/^[A-Za-z_$][\w$-]*$/.test(name)) return `${base}[${JSON.stringify(name)}]`;
  return base === "" ? name : `${base}.${name}`;
}

/**
 * A config's zod issues as CONFIG_INVALID diagnostics whose paths are rooted at `basePath` (the `path` of
 * the `create` frame), with the same messages the host prints for a bundled module.
 */
export function configDiagnostics(error: z.ZodError, basePath: string, module: string): Diagnostic[] {
  return error.issues.map((issue) => {
    const diagnostic: Diagnostic = {
      code: ErrorCode.CONFIG_INVALID,
      path: issue.path.reduce<string>(joinPath, basePath) || "(root)",
      message:
        issue.code === "unrecognized_keys"
          ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
          : issue.message,
      module,
    };
    if (issue.code === "unrecognized_keys") diagnostic.hint = "remove the key or fix its spelling; the JSON Schema lists the keys";
    return diagnostic;
  });
}

import { ErrorCode, HttpResponseSchema, LoomError } from "@loom/protocol";
import type { HttpResponse } from "@loom/protocol";

/** Validates a value a plugin returned as an HTTP response; a bad one becomes PLUGIN_RESULT_INVALID. */
export function checkResponse(value: unknown, moduleId: string): HttpResponse {
  const parsed = HttpResponseSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(response)"}: ${issue.message}`)
    .join("; ");
  throw new LoomError(ErrorCode.PLUGIN_RESULT_INVALID, `module ${moduleId} returned an invalid HTTP response: ${issues}`);
}

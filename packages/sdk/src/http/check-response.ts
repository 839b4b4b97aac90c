import { ErrorCode, HttpResponseSchema, LoomError } from "@loom/protocol";
import type { HttpResponse } from "@loom/protocol";

/** Frozen responses (with frozen headers) that passed once: they cannot have changed since. */
const checkedFrozen = new WeakSet<object>();

const isFrozenResponse = (value: unknown): value is HttpResponse =>
  typeof value === "object" &&
  value !== null &&
  Object.isFrozen(value) &&
  ((value as HttpResponse).headers === undefined || Object.isFrozen((value as HttpResponse).headers));

/**
 * Validates a value a plugin returned as an HTTP response; a bad one becomes PLUGIN_RESULT_INVALID. A
 * module that answers with one precomputed, frozen response (headers frozen too) is checked once.
 */
export function checkResponse(value: unknown, moduleId: string): HttpResponse {
  if (checkedFrozen.has(value as object)) return value as HttpResponse;
  const parsed = HttpResponseSchema.safeParse(value);
  if (parsed.success) {
    if (isFrozenResponse(value)) {
      checkedFrozen.add(value);
      return value;
    }
    return parsed.data;
  }
  const issues = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(response)"}: ${issue.message}`)
    .join("; ");
  throw new LoomError(ErrorCode.PLUGIN_RESULT_INVALID, `module ${moduleId} returned an invalid HTTP response: ${issues}`);
}

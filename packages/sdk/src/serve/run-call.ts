import { ErrorCode } from "@loom/protocol";
import type { CallInfo } from "./current-call.ts";
import { runInCall } from "./current-call.ts";
import type { LiveInstance } from "./create-instance.ts";
import { errorFields } from "./error-fields.ts";
import type { ErrorFields } from "./error-fields.ts";

/** The lifecycle steps every instance answers, implemented or not. */
export const LIFECYCLE_METHODS: ReadonlySet<string> = new Set(["provision", "validate", "start", "stop", "cleanup"]);

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorFields };

/**
 * Runs one method of an instance for a `call` frame, with `info` as the current call, and settles with
 * what to reply; it never rejects, whatever the method does. A lifecycle step the instance lacks
 * succeeds with no value; one that throws is MODULE_LIFECYCLE_FAILED. A method that throws is
 * PLUGIN_CALL_FAILED with its message, or its own code if it threw a LoomError. `cleanup` aborts the
 * instance's `context.signal` first, as the host does for a bundled module.
 */
export async function runCall(instance: LiveInstance, args: unknown[], info: CallInfo): Promise<CallOutcome> {
  const { method } = info;
  const { namespace } = instance.served;
  const lifecycle = LIFECYCLE_METHODS.has(method);
  const fn = instance.value[method];
  try {
    if (method === "stop") instance.started = false;
    if (method === "cleanup") {
      instance.cleanedUp = true;
      instance.lifetime.abort();
    }
    let value: unknown;
    if (typeof fn === "function") {
      const callArgs = lifecycle || !namespace.toArgs ? args : namespace.toArgs(method, args, info);
      value = await runInCall(info, () => fn.apply(instance.value, callArgs));
    }
    if (lifecycle) {
      if (method === "start") instance.started = true;
      return { ok: true, value: undefined };
    }
    return { ok: true, value: namespace.toValue ? await namespace.toValue(method, value, info) : value };
  } catch (error) {
    return lifecycle
      ? { ok: false, error: errorFields(error, ErrorCode.MODULE_LIFECYCLE_FAILED, { prefix: `${method} failed: ` }) }
      : { ok: false, error: errorFields(error, ErrorCode.PLUGIN_CALL_FAILED, { keepCode: true }) };
  }
}

import { ErrorCode } from "@loom/protocol";
import type { CallInfo } from "./current-call.ts";
import { runInCall } from "./current-call.ts";
import type { LiveInstance } from "./create-instance.ts";
import { errorFields } from "./error-fields.ts";
import type { ErrorFields } from "./error-fields.ts";

/** The lifecycle steps every instance answers, implemented or not. */
export const LIFECYCLE_METHODS: ReadonlySet<string> = new Set(["provision", "validate", "start", "stop", "cleanup"]);

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorFields };

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";

/**
 * Runs one method of an instance for a `call` frame, with `info` as the current call, and settles with
 * what to reply; it never rejects, whatever the method does. A lifecycle step the instance lacks
 * succeeds with no value; one that throws is MODULE_LIFECYCLE_FAILED. A method that throws is
 * PLUGIN_CALL_FAILED with its message, or its own code if it threw a LoomError. `cleanup` aborts the
 * instance's `context.signal` first, as the host does for a bundled module.
 *
 * A method that returns a plain value is answered synchronously, with no promise made on the way:
 * promises are most of a small call's cost in the plugin (more so once AsyncLocalStorage's hooks run).
 */
export function runCall(instance: LiveInstance, args: unknown[], info: CallInfo): CallOutcome | Promise<CallOutcome> {
  const { method } = info;
  const lifecycle = LIFECYCLE_METHODS.has(method);
  const failed = (error: unknown): CallOutcome =>
    lifecycle
      ? { ok: false, error: errorFields(error, ErrorCode.MODULE_LIFECYCLE_FAILED, { prefix: `${method} failed: ` }) }
      : { ok: false, error: errorFields(error, ErrorCode.PLUGIN_CALL_FAILED, { keepCode: true }) };
  try {
    const fn = instance.value[method];
    if (method === "stop") instance.started = false;
    if (method === "cleanup") {
      instance.cleanedUp = true;
      instance.lifetime.abort();
    }
    let value: unknown;
    if (typeof fn === "function") {
      const { namespace } = instance.served;
      const callArgs = lifecycle || !namespace.toArgs ? args : namespace.toArgs(method, args, info);
      value = runInCall(info, fn as (...args: unknown[]) => unknown, instance.value, callArgs);
    }
    if (isThenable(value)) return Promise.resolve(value).then((settled) => finish(instance, lifecycle, settled, info), failed).catch(failed);
    const outcome = finish(instance, lifecycle, value, info);
    return isThenable(outcome) ? Promise.resolve(outcome).catch(failed) : outcome;
  } catch (error) {
    return failed(error);
  }
}

/** The outcome of a method that returned `value`: the namespace's toValue applied, or a lifecycle step done. */
function finish(instance: LiveInstance, lifecycle: boolean, value: unknown, info: CallInfo): CallOutcome | Promise<CallOutcome> {
  if (lifecycle) {
    if (info.method === "start") instance.started = true;
    return { ok: true, value: undefined };
  }
  const { namespace } = instance.served;
  if (!namespace.toValue) return { ok: true, value };
  const converted = namespace.toValue(info.method, value, info);
  return isThenable(converted) ? Promise.resolve(converted).then((v): CallOutcome => ({ ok: true, value: v })) : { ok: true, value: converted };
}

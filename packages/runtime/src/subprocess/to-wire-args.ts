import { ErrorCode, LoomError } from "@loom/protocol";
import { isCancelSource } from "@loom/sdk";
import type { CancelSource } from "@loom/sdk";

/** A method's arguments as a `call` frame carries them, and what cancels the call: a signal, a CancelSource or both. */
export interface WireArgs {
  readonly args: unknown[];
  readonly signal: AbortSignal | undefined;
  /** An argument that reports its cancellation itself (`onCancel`, the gateway's HttpCall); its signal is not read. */
  readonly cancel: CancelSource | undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Prepares a namespace method's arguments for a subprocess plugin. An AbortSignal (an argument, or a
 * field of an argument such as HttpCall's `signal`, own or from its class) cannot cross a process: it is
 * taken out and becomes the call's cancellation. An argument with an `onCancel` method (the gateway's
 * HttpCall) is listened to instead of having its signal read, which it would make for this call alone.
 * A function argument (a callback such as middleware's `next`) cannot cross either, and protocol v1 has
 * no host callbacks, so it fails the call with a clear error.
 */
export function toWireArgs(args: readonly unknown[], what: string): WireArgs {
  let signal: AbortSignal | undefined;
  let cancel: CancelSource | undefined;
  const out = args.map((arg, index) => {
    if (typeof arg === "function") {
      throw new LoomError(
        ErrorCode.PLUGIN_CALL_FAILED,
        `${what}: argument ${index} is a function, and protocol v1 cannot pass callbacks to a subprocess plugin; run this module bundled instead`,
      );
    }
    if (arg instanceof AbortSignal) {
      signal ??= arg;
      return null;
    }
    if (isCancelSource(arg)) {
      // It says when it is cancelled without making its signal (a getter that makes one on first read).
      cancel ??= arg;
      if (!isPlainObject(arg)) return arg;
    } else if (!isPlainObject(arg)) {
      // An instance of a class travels as its own enumerable fields; a `signal` from its prototype stays
      // behind, so it is read here and becomes the call's cancellation, as for a bundled module.
      if (typeof arg === "object" && arg !== null && "signal" in arg && !Object.hasOwn(arg, "signal")) {
        const inherited = (arg as { signal: unknown }).signal;
        if (inherited instanceof AbortSignal) signal ??= inherited;
      }
      return arg;
    }
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(arg)) {
      const value = arg[key];
      if (!(value instanceof AbortSignal)) continue;
      signal ??= value;
      copy ??= { ...arg };
      delete copy[key];
    }
    return copy ?? arg;
  });
  return { args: out, signal, cancel };
}

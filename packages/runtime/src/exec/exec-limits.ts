import type { ExecPluginOptions } from "./exec-options.ts";

/** The host limits that mean something for an exec plugin, by their subprocess names (see PluginLimitsSchema). */
export interface HostLimits {
  readonly callTimeoutMs?: number | undefined;
  readonly maxConcurrentCalls?: number | undefined;
  readonly maxQueuedCalls?: number | undefined;
  readonly maxFrameBytes?: number | undefined;
  readonly memoryLimitMb?: number | undefined;
}

type ExecLimits = Pick<ExecPluginOptions, "timeoutMs" | "maxConcurrent" | "maxQueued" | "maxFrameBytes" | "memoryLimitMb">;

/**
 * A host's per-plugin limits in exec terms: a call's timeout is the run's `timeoutMs`, calls in flight are
 * processes at once (`maxConcurrent`), queued calls wait for one (`maxQueued`). Pool size, start timeout
 * and health checks have no meaning without a long-lived process and are left out. Unset keys stay unset.
 */
export function execLimits(limits: HostLimits | undefined): ExecLimits {
  if (!limits) return {};
  const out: ExecLimits = {};
  if (limits.callTimeoutMs !== undefined) out.timeoutMs = limits.callTimeoutMs;
  if (limits.maxConcurrentCalls !== undefined) out.maxConcurrent = limits.maxConcurrentCalls;
  if (limits.maxQueuedCalls !== undefined) out.maxQueued = limits.maxQueuedCalls;
  if (limits.maxFrameBytes !== undefined) out.maxFrameBytes = limits.maxFrameBytes;
  if (limits.memoryLimitMb !== undefined) out.memoryLimitMb = limits.memoryLimitMb;
  return out;
}

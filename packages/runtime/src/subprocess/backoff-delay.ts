import type { ResolvedSubprocessOptions } from "./subprocess-options.ts";

/**
 * The delay before restart number `attempt` (1 for the first): `initialDelayMs · factor^(attempt−1)`,
 * capped at `maxDelayMs`, spread by ±`jitter` so that many plugins crashing together do not restart
 * in lockstep. `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, options: ResolvedSubprocessOptions["restart"], random: () => number = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** Math.max(0, attempt - 1));
  const spread = base * options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(options.maxDelayMs, base + spread)));
}

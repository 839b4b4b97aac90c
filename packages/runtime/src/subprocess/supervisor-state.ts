/**
 * The states of one supervised plugin process slot:
 *
 * ```
 *  idle ─▶ starting ─▶ ready ─▶ draining ─▶ stopping ─▶ stopped
 *             ▲  │        │                    (SIGTERM,    ▲
 *             │  ▼        ▼                     SIGKILL)    │
 *             │  crashed ◀┘  (exit, broken channel, missed health check)
 *             │     │
 *             │     ├─▶ backoff ──(delay)──▶ starting
 *             │     └─▶ failed  (circuit open: N crashes in the window; calls fail at once)
 *             └────────── failed ──(cooldown: half-open start)
 * ```
 * `stop()` leads from any state to `stopped`; a first start that fails ends in `stopped` too (the
 * caller gets the error).
 */
export type SupervisorState = "idle" | "starting" | "ready" | "draining" | "stopping" | "stopped" | "crashed" | "backoff" | "failed";

/** Every transition the supervisor may make; any other is a bug and throws. */
export const SUPERVISOR_TRANSITIONS: Readonly<Record<SupervisorState, readonly SupervisorState[]>> = {
  idle: ["starting", "stopped"],
  starting: ["ready", "crashed", "stopped"],
  ready: ["crashed", "draining", "stopping"],
  draining: ["stopping", "stopped"],
  stopping: ["stopped"],
  stopped: [],
  crashed: ["backoff", "failed", "stopped"],
  backoff: ["starting", "stopped"],
  failed: ["starting", "stopped"],
};

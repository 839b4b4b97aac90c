import type { ChildProcess } from "node:child_process";
import { settlesWithin } from "./settle-within.ts";

/** How long to wait for the exit after SIGKILL before giving up (a process in D state). */
export const SIGKILL_WAIT_MS = 5_000;

/**
 * SIGTERM, then SIGKILL if the process has not exited after `graceMs`; resolves once it has exited
 * (or SIGKILL_WAIT_MS after SIGKILL). Returns the signal that ended the wait, for logs.
 */
export async function terminateProcess(
  child: ChildProcess,
  exited: Promise<unknown>,
  isRunning: () => boolean,
  graceMs: number,
): Promise<"none" | "SIGTERM" | "SIGKILL"> {
  if (!isRunning()) return "none";
  child.kill("SIGTERM");
  if (await settlesWithin(exited, graceMs)) return "SIGTERM";
  child.kill("SIGKILL");
  await settlesWithin(exited, SIGKILL_WAIT_MS);
  return "SIGKILL";
}

import type { Readable } from "node:stream";

/**
 * Watches the lifeline (stdin, docs/protocol.md 9.3): the host never writes to it, so end-of-file (or an
 * error) means the host is gone. Bytes that arrive are ignored. Calls `onGone` once.
 */
export function watchLifeline(stdin: Readable, onGone: (reason: string) => void): void {
  let gone = false;
  const once = (reason: string) => {
    if (gone) return;
    gone = true;
    onGone(reason);
  };
  stdin.on("data", () => undefined);
  stdin.on("end", () => once("end-of-file on stdin (the lifeline)"));
  stdin.on("error", (error) => once(`the lifeline (stdin) failed: ${error.message}`));
  stdin.resume();
}

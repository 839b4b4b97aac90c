/** The real stdout, kept for protocol frames once `takeStdout` sent everything else to stderr. */
export interface FrameOutput {
  /** Writes bytes to the real stdout; resolves once they are handed to the pipe. */
  write(bytes: Uint8Array): Promise<void>;
}

/**
 * Takes stdout for exec mode's frames (docs/protocol.md, "Exec mode"): from now on `process.stdout.write`,
 * and so `console.log` and anything else printing through `process.stdout`, writes to stderr, where the
 * host reads log lines. Only the returned writer reaches fd 1. Call it before any module code runs. Code
 * that writes to fd 1 itself (`fs.writeSync(1)`, a child process inheriting stdout) is not covered.
 */
export function takeStdout(): FrameOutput {
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout);
  const stderr = process.stderr;
  Object.defineProperty(stdout, "write", { value: stderr.write.bind(stderr), configurable: true, writable: true });
  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        write(bytes, (error) => (error ? reject(error) : resolve()));
      }),
  };
}

import type { BuildProgress, ProgressStep } from "./build-progress.ts";

/** The stream a reporter writes to: process.stderr, or any object with `write` (and `isTTY` for a terminal). */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** The CLI's BuildProgress: step lines on a terminal, one summary line per distribution on any stream. */
export interface ProgressReporter extends BuildProgress {
  /** One line per distribution, e.g. `built default -> dist/default/gateway (…)`; the verb is colored on a terminal. */
  summary(verb: string, text: string): void;
  /** Ends a step line left open by an error, so the error message starts on a line of its own. */
  fail(): void;
}

export interface ProgressReporterOptions {
  /** Where NO_COLOR is read; default: process.env. */
  env?: Record<string, string | undefined>;
  /** The clock, in milliseconds; default: performance.now. */
  now?: () => number;
}

const STYLES = { dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39] } as const;

/** `412 ms` below a second, `2.3 s` from one. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Reports build steps on `output`. On a terminal each step is shown as it starts (`  bundle … `) and
 * finished with its time (`412 ms`), in color unless NO_COLOR is set (https://no-color.org). Anywhere
 * else (a pipe, a file, CI logs) steps are silent and only the summary lines are written.
 */
export function createProgressReporter(output: ProgressOutput, options: ProgressReporterOptions = {}): ProgressReporter {
  const tty = output.isTTY === true;
  const color = tty && !(options.env ?? process.env).NO_COLOR;
  const now = options.now ?? (() => performance.now());
  const paint = (style: keyof typeof STYLES, text: string) => (color ? `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m` : text);
  const start = (name: string) => `  ${name} ${paint("dim", "…")} `;
  /** The step whose start line is on screen without its end, if any. */
  let open: object | undefined;
  const endOpenLine = () => {
    if (open !== undefined) output.write("\n");
    open = undefined;
  };

  return {
    step(name: string): ProgressStep {
      if (!tty) return { done: () => {} };
      endOpenLine();
      const started = now();
      const token = {};
      output.write(start(name));
      open = token;
      let finished = false;
      return {
        done(detail?: string) {
          if (finished) return;
          finished = true;
          const end = `${paint("dim", formatDuration(now() - started))}${detail ? ` (${detail})` : ""}\n`;
          if (open === token) {
            open = undefined;
            output.write(end);
          } else {
            endOpenLine();
            output.write(start(name) + end);
          }
        },
      };
    },
    summary(verb: string, text: string) {
      endOpenLine();
      output.write(`${paint(verb === "unchanged" ? "yellow" : "green", verb)} ${text}\n`);
    },
    fail() {
      if (open === undefined) return;
      open = undefined;
      output.write(`${paint("red", "failed")}\n`);
    },
  };
}

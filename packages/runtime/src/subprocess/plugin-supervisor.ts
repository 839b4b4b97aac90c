import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import { backoffDelay } from "./backoff-delay.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import { launchPluginProcess } from "./launch-plugin-process.ts";
import type { PluginProcess } from "./plugin-process.ts";
import type { PluginStatsRecorder } from "./plugin-stats.ts";
import type { LaunchTools } from "./resolve-launch-command.ts";
import type { ResolvedSubprocessOptions } from "./subprocess-options.ts";
import { SUPERVISOR_TRANSITIONS } from "./supervisor-state.ts";
import type { SupervisorState } from "./supervisor-state.ts";

export interface SupervisorOptions {
  slot: number;
  options: ResolvedSubprocessOptions;
  /** The plugin's logger, bound to `{ plugin }`. */
  logger: Logger;
  stats: PluginStatsRecorder;
  /** Brings a fresh process up to date (creates the live instances) before it serves; throws to fail the start. */
  prepare(process: PluginProcess): Promise<void>;
  /** Told each time a process becomes ready. */
  onReady?(process: PluginProcess): void;
  tools?: LaunchTools | undefined;
}

/**
 * Keeps one plugin process slot running: an explicit state machine (see SupervisorState) whose every
 * transition is logged and emitted. A crash (exit, broken channel, missed health check) restarts the
 * process after an exponential backoff with jitter; `maxCrashes` within the window open the circuit
 * (`failed`): calls fail at once until the cooldown allows one half-open start.
 */
export class PluginSupervisor {
  readonly slot: number;
  #state: SupervisorState = "idle";
  #process: PluginProcess | undefined;
  #preparing: PluginProcess | undefined;
  #lastPid: number | undefined;
  #lastError: LoomError | undefined;
  #timer: NodeJS.Timeout | undefined;
  #startAbort: AbortController | undefined;
  #attempt: Promise<unknown> = Promise.resolve();
  #stopping: Promise<void> | undefined;
  readonly #dying = new Set<Promise<void>>();
  readonly #breaker: CircuitBreaker;
  readonly #input: SupervisorOptions;

  constructor(input: SupervisorOptions) {
    this.#input = input;
    this.slot = input.slot;
    this.#breaker = new CircuitBreaker(input.options.circuit);
  }

  get state(): SupervisorState {
    return this.#state;
  }

  /** The process serving calls, when ready (or draining). */
  get process(): PluginProcess | undefined {
    return this.#process;
  }

  get pid(): number | undefined {
    return this.#process?.pid ?? this.#preparing?.pid ?? this.#lastPid;
  }

  get lastError(): LoomError | undefined {
    return this.#lastError;
  }

  /** When an open circuit allows its half-open retry (epoch ms). */
  get retryAt(): number | undefined {
    return this.#breaker.retryAt;
  }

  /** Calls in flight and queued; Infinity when not ready. */
  get load(): number {
    const connection = this.#state === "ready" ? this.#process?.connection : undefined;
    return connection ? connection.inFlight + connection.queued : Number.POSITIVE_INFINITY;
  }

  /** The first start: resolves when ready; on failure the slot is stopped and the error thrown. */
  async start(): Promise<PluginProcess> {
    this.#to("starting");
    const attempt = this.#launch();
    this.#attempt = attempt.catch(() => undefined);
    try {
      const process = await attempt;
      this.#becomeReady(process, false);
      return process;
    } catch (error) {
      this.#lastError = asLoomError(error);
      if (this.#state === "starting") this.#to("stopped", this.#lastError.message);
      throw error;
    }
  }

  /** Graceful stop: drain, shutdown, SIGTERM, SIGKILL; also cancels a pending restart. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearTimeout(this.#timer);
      this.#startAbort?.abort();
      this.#preparing?.kill(new LoomError(ErrorCode.PLUGIN_STOPPING, `plugin ${this.#input.options.name} is stopping`));
      const process = this.#process;
      if (this.#state === "ready" && process) {
        this.#to("draining");
        await process.stop(() => this.#to("stopping", "shutdown deadline passed: SIGTERM, then SIGKILL"));
      }
      await this.#attempt;
      for (let round = 0; round < 10 && this.#dying.size > 0; round++) await Promise.all(this.#dying);
      this.#process = undefined;
      if (this.#state !== "stopped") this.#to("stopped");
    })();
    return this.#stopping;
  }

  async #launch(): Promise<PluginProcess> {
    const { options, logger, stats, slot } = this.#input;
    this.#startAbort = new AbortController();
    const process = await launchPluginProcess({
      options,
      logger,
      signal: this.#startAbort.signal,
      tools: this.#input.tools,
      onDroppedLines: (count) => stats.emit({ type: "dropped-lines", plugin: options.name, slot, pid: this.pid, count }),
    });
    this.#preparing = process;
    try {
      await this.#input.prepare(process);
      if (this.#stopping) throw new LoomError(ErrorCode.PLUGIN_STOPPING, `plugin ${options.name} is stopping`);
      if (process.failure) throw process.failure;
      return process;
    } catch (error) {
      this.#track(process.kill(asLoomError(error)));
      throw error;
    } finally {
      this.#preparing = undefined;
    }
  }

  #becomeReady(process: PluginProcess, halfOpen: boolean): void {
    if (this.#stopping) {
      this.#track(process.stop());
      return;
    }
    this.#process = process;
    this.#lastPid = process.pid;
    if (halfOpen) this.#breaker.close();
    this.#to("ready");
    process.onFailure((error) => this.#crashed(process, error));
    this.#scheduleHealth(process);
    this.#input.onReady?.(process);
  }

  #crashed(process: PluginProcess, error: LoomError): void {
    if (this.#process !== process || this.#stopping) return;
    clearTimeout(this.#timer);
    this.#process = undefined;
    this.#lastError = error;
    this.#track(process.kill(error));
    this.#to("crashed", error.message);
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    const { options, stats, slot } = this.#input;
    if (this.#breaker.recordCrash()) {
      const cooldown = options.circuit.cooldownMs;
      this.#to("failed", `${this.#breaker.recentCrashes()} crashes within ${options.circuit.windowMs} ms: circuit open for ${cooldown} ms`);
      this.#timer = setTimeout(() => this.#retry(true), cooldown).unref();
      return;
    }
    const attempt = this.#breaker.recentCrashes();
    const delayMs = backoffDelay(attempt, options.restart);
    stats.emit({ type: "restart", plugin: options.name, slot, attempt, delayMs });
    this.#to("backoff", `restart ${attempt} in ${delayMs} ms`);
    this.#timer = setTimeout(() => this.#retry(false), delayMs).unref();
  }

  #retry(halfOpen: boolean): void {
    if (this.#stopping) return;
    this.#to("starting", halfOpen ? "half-open: one try after the cooldown" : undefined);
    const attempt = this.#launch().then(
      (process) => this.#becomeReady(process, halfOpen),
      (error: unknown) => {
        if (this.#stopping) return;
        this.#lastError = asLoomError(error);
        this.#input.logger.warn({ slot: this.slot, err: this.#lastError }, "plugin restart failed");
        this.#to("crashed", this.#lastError.message);
        this.#scheduleRestart();
      },
    );
    this.#attempt = attempt;
  }

  #scheduleHealth(process: PluginProcess): void {
    const { healthIntervalMs, healthTimeoutMs } = this.#input.options;
    if (healthIntervalMs === 0) return;
    this.#timer = setTimeout(() => {
      if (this.#process !== process || this.#state !== "ready") return;
      const what = `${process.label}: health check`;
      process.connection.health({ deadlineAt: performance.now() + healthTimeoutMs, what }).then(
        () => this.#scheduleHealth(process),
        (error: unknown) => {
          if (this.#process !== process || this.#state !== "ready" || process.failure) return;
          const reason = isLoomError(error) && error.code !== ErrorCode.PLUGIN_TIMEOUT ? `: ${error.message}` : "";
          process.fail(new LoomError(ErrorCode.PLUGIN_TIMEOUT, `${process.label} did not answer a health check within ${healthTimeoutMs} ms${reason}; it counts as hung and is restarted`));
        },
      );
    }, healthIntervalMs).unref();
  }

  #track(ending: Promise<void>): void {
    this.#dying.add(ending);
    void ending.finally(() => this.#dying.delete(ending));
  }

  #to(next: SupervisorState, reason?: string): void {
    const from = this.#state;
    if (!SUPERVISOR_TRANSITIONS[from].includes(next)) {
      throw new LoomError(ErrorCode.INTERNAL, `plugin supervisor: no transition from ${from} to ${next}`);
    }
    this.#state = next;
    const { logger, stats, options } = this.#input;
    const pid = this.pid;
    const fields = { slot: this.slot, pid, from, to: next, ...(reason === undefined ? {} : { reason }) };
    if (next === "crashed" || next === "failed") logger.warn(fields, `plugin process ${next}`);
    else logger.info(fields, `plugin process ${next}`);
    stats.emit({ type: "state", plugin: options.name, slot: this.slot, pid, from, to: next, reason });
  }
}

function asLoomError(error: unknown): LoomError {
  return isLoomError(error) ? error : new LoomError(ErrorCode.INTERNAL, String(error), { cause: error });
}

import { DEFAULT_MAX_FRAME_BYTES, ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { HandshakeMessage } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import type { PluginPool, PluginPoolContext, RemoteCallOptions, RemoteInstance } from "../subprocess/plugin-pool.ts";
import { PluginStatsRecorder } from "../subprocess/plugin-stats.ts";
import type { PluginEventListener, PluginStats } from "../subprocess/plugin-stats.ts";
import { resolveLaunchCommand } from "../subprocess/resolve-launch-command.ts";
import type { LaunchCommand } from "../subprocess/resolve-launch-command.ts";
import type { SupervisorState } from "../subprocess/supervisor-state.ts";
import { ExecLimiter } from "./exec-limiter.ts";
import { resolveExecOptions } from "./exec-options.ts";
import type { ExecPluginOptions, ResolvedExecOptions } from "./exec-options.ts";
import type { ExecRunKind } from "./read-exec-replies.ts";
import { runExec } from "./run-exec.ts";
import type { ExecRunResult } from "./run-exec.ts";
import { abortOnCancel } from "./abort-on-cancel.ts";

/** The same plugin, version, modules and methods: what the load-time run announced. */
const shape = (handshake: HandshakeMessage) =>
  JSON.stringify([handshake.plugin.name, handshake.plugin.version, handshake.modules.map((m) => [m.id, m.methods])]);

/** What one exec run needs besides its kind: the module, config, method and args. */
interface RunInput {
  module?: string | undefined;
  config?: unknown;
  path?: string | undefined;
  method?: string | undefined;
  args?: readonly unknown[] | undefined;
}

/**
 * Runs an exec plugin (docs/protocol.md, "Exec mode"): no process lives between calls. `start` runs the
 * command once for its handshake; `createInstance` runs it once with `create` (the plugin validates the
 * config: CONFIG_INVALID fails the config load); each call runs it once with `create` and `call`, at most
 * `maxConcurrent` at a time and `maxQueued` waiting. The instance's lifecycle steps are no-ops on the
 * host: the plugin runs them around each call in its own process. It has the PluginPool interface, so
 * the loader, createRemotePlugin and stats treat it like a subprocess pool (one slot, placement "exec").
 */
export function createExecPluginPool(options: ExecPluginOptions, context: PluginPoolContext): PluginPool {
  return new ExecPluginPool(resolveExecOptions(options), context);
}

class ExecPluginPool implements PluginPool {
  readonly #options: ResolvedExecOptions;
  readonly #logger: Logger;
  readonly #stats: PluginStatsRecorder;
  readonly #limiter: ExecLimiter;
  readonly #command: LaunchCommand;
  readonly #running = new Set<number>();
  readonly #runs = new Set<Promise<unknown>>();
  #handshake: HandshakeMessage | undefined;
  #state: SupervisorState = "idle";
  #lastPid: number | undefined;
  #lastStartedAt: number | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: ResolvedExecOptions, context: PluginPoolContext) {
    this.#options = options;
    this.#logger = context.logger.child({ plugin: options.name });
    this.#stats = new PluginStatsRecorder(this.#logger);
    this.#limiter = new ExecLimiter(options.maxConcurrent, options.maxQueued);
    this.#command = resolveLaunchCommand(options, context.tools);
  }

  get name(): string {
    return this.#handshake?.plugin.name ?? this.#options.name;
  }

  get handshake(): HandshakeMessage | undefined {
    return this.#handshake;
  }

  async start(): Promise<HandshakeMessage> {
    if (this.#state !== "idle") throw new LoomError(ErrorCode.INTERNAL, `exec plugin ${this.name} was already started`);
    this.#setState("starting");
    try {
      const { handshake } = await this.#run("handshake", {}, `plugin ${this.name}: handshake run`);
      this.#handshake = handshake;
    } catch (error) {
      this.#setState("stopped", error instanceof Error ? error.message : String(error));
      throw error;
    }
    this.#setState("ready");
    const { plugin, modules } = this.#handshake;
    this.#logger.info(
      { version: plugin.version, modules: modules.length, pdeathsig: this.#command.pdeathsig, memoryCap: this.#command.memoryCap, timeoutMs: this.#options.timeoutMs },
      "exec plugin ready",
    );
    return this.#handshake;
  }

  async createInstance(module: string, config: unknown, options: { path?: string | undefined } = {}): Promise<RemoteInstance> {
    const what = `plugin ${this.name}: create ${module}`;
    if (!this.#handshake?.modules.some((m) => m.id === module)) {
      throw new LoomError(ErrorCode.MODULE_UNKNOWN, `${what}: the plugin does not announce module ${module}`);
    }
    await this.#run("create", { module, config, path: options.path }, what);
    let cleanedUp = false;
    return {
      module,
      call: (method, args, callOptions) => {
        if (cleanedUp) return Promise.reject(new LoomError(ErrorCode.PLUGIN_TARGET_UNKNOWN, `plugin ${this.name}: ${module} ${method}(): the instance was cleaned up`));
        return this.#call({ module, config, path: options.path, method, args }, callOptions);
      },
      // The plugin runs the lifecycle around each call in that call's process; the host has nothing to run.
      lifecycle: (step) => {
        if (step === "cleanup") cleanedUp = true;
        return Promise.resolve();
      },
    };
  }

  stats(): PluginStats {
    const slot = { slot: 0, state: this.#state, pid: this.#lastPid, inFlight: this.#limiter.running, queued: this.#limiter.queued, startedAt: this.#lastStartedAt };
    return { ...this.#stats.snapshot(this.name, this.#handshake?.plugin.version, [slot], "exec"), pids: [...this.#running] };
  }

  subscribe(listener: PluginEventListener): () => void {
    return this.#stats.subscribe(listener);
  }

  /** Waiting calls fail with PLUGIN_STOPPING; running ones finish (each is bounded by its deadline). Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#state === "ready") this.#setState("stopping");
      this.#limiter.refuseWaiting(new LoomError(ErrorCode.PLUGIN_STOPPING, `plugin ${this.name} is stopping`));
      await Promise.allSettled([...this.#runs]);
      if (this.#state !== "stopped") this.#setState("stopped");
    })();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** One method call in its own process, measured (stats event, debug log line). */
  async #call(input: RunInput, options: RemoteCallOptions = {}): Promise<unknown> {
    const started = performance.now();
    const what = `plugin ${this.name}: ${input.module} ${input.method}()`;
    let outcome: "ok" | ErrorCode = "ok";
    try {
      const result = await this.#run("call", input, what, options);
      return result.value;
    } catch (error) {
      outcome = isLoomError(error) ? error.code : ErrorCode.INTERNAL;
      throw error;
    } finally {
      const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      this.#logger.debug({ module: input.module, method: input.method, latencyMs, outcome }, "plugin call");
      this.#stats.recordCall(this.name, input.module!, input.method!, latencyMs, outcome);
    }
  }

  /** One run of the command, within the concurrency cap and the timeout; checks its handshake against the first. */
  async #run(kind: ExecRunKind, input: RunInput, what: string, options: RemoteCallOptions = {}): Promise<ExecRunResult> {
    if (kind !== "handshake" && this.#state !== "ready") {
      throw new LoomError(ErrorCode.PLUGIN_STOPPING, `${what}: plugin ${this.name} is ${this.#state === "idle" ? "not started" : this.#state}`);
    }
    // An exec run takes one signal: a CancelSource (and the caller's signal, if both) becomes it.
    const cancelled = options.cancel === undefined ? undefined : abortOnCancel(options.cancel, options.signal);
    try {
      return await this.#runWith(kind, input, what, cancelled === undefined ? options : { ...options, signal: cancelled.signal });
    } finally {
      cancelled?.dispose();
    }
  }

  async #runWith(kind: ExecRunKind, input: RunInput, what: string, options: RemoteCallOptions): Promise<ExecRunResult> {
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    const deadlineAt = performance.now() + timeoutMs;
    const release = await this.#limiter.acquire({ deadlineAt, timeoutMs, signal: options.signal, what });
    let pid: number | undefined;
    const running = runExec(
      {
        options: this.#options,
        command: this.#command,
        logger: this.#logger,
        onDroppedLines: (count) => this.#stats.emit({ type: "dropped-lines", plugin: this.name, slot: 0, pid, count }),
      },
      {
        kind,
        ...input,
        deadlineAt,
        timeoutMs,
        signal: options.signal,
        peerMaxFrameBytes: this.#handshake?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        what,
        onPid: (next) => this.#onPid(pid, (pid = next)),
      },
    );
    this.#runs.add(running);
    try {
      const result = await running;
      if (this.#handshake && shape(result.handshake) !== shape(this.#handshake)) {
        throw new LoomError(
          ErrorCode.HANDSHAKE_FAILED,
          `${what}: the process (pid ${result.pid}) announced ${describe(result.handshake)}, but the plugin was loaded as ${describe(this.#handshake)}; ` +
            "its files changed on disk: reload the config to load it again",
        );
      }
      return result;
    } finally {
      this.#runs.delete(running);
      release();
    }
  }

  #onPid(previous: number | undefined, next: number | undefined): void {
    if (previous !== undefined) this.#running.delete(previous);
    if (next === undefined) return;
    this.#running.add(next);
    this.#lastPid = next;
    this.#lastStartedAt = Date.now();
  }

  #setState(to: SupervisorState, reason?: string): void {
    const from = this.#state;
    this.#state = to;
    this.#stats.emit({ type: "state", plugin: this.name, slot: 0, pid: this.#lastPid, from, to, reason });
  }
}

function describe(handshake: HandshakeMessage): string {
  return `${handshake.plugin.name}@${handshake.plugin.version} with modules ${handshake.modules.map((m) => `${m.id} [${m.methods.join(", ")}]`).join(", ") || "(none)"}`;
}

import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { HandshakeMessage } from "@loom/protocol";
import type { CancelSource, Logger } from "@loom/sdk";
import type { AppliedInstance, InstanceRecord, LifecycleStep } from "./instance-state.ts";
import { applyStep, initialState } from "./instance-state.ts";
import type { PluginProcess } from "./plugin-process.ts";
import { PluginStatsRecorder } from "./plugin-stats.ts";
import type { PluginEventListener, PluginStats } from "./plugin-stats.ts";
import { PluginSupervisor } from "./plugin-supervisor.ts";
import type { LaunchTools } from "./resolve-launch-command.ts";
import { checkSameHandshake, unavailableError } from "./pool-helpers.ts";
import { outcomeOf } from "./request.ts";
import type { RequestOutcome } from "./request.ts";
import { resolveSubprocessOptions } from "./subprocess-options.ts";
import type { ResolvedSubprocessOptions, SubprocessPluginOptions } from "./subprocess-options.ts";
import { instancesInSync, syncInstances } from "./sync-instances.ts";

export interface PluginPoolContext {
  /** The host's logger; the pool logs under its child `{ plugin }`, each process under `{ plugin, pid }`. */
  logger: Logger;
  /** setpriv and prlimit; found in PATH by default. */
  tools?: LaunchTools;
}

export interface RemoteCallOptions {
  /** Aborting it cancels the call (CALL_CANCELLED, and a `cancel` frame). */
  signal?: AbortSignal | undefined;
  /** Cancels the call when it reports a cancellation (see `onCancel` of @loom/sdk), as an aborted `signal`. */
  cancel?: CancelSource | undefined;
  /** The call's deadline; the pool's callTimeoutMs by default. */
  timeoutMs?: number | undefined;
}

/** A module instance living in the plugin's processes (one per process of the pool). */
export interface RemoteInstance {
  readonly module: string;
  /** Calls a method on the least-loaded ready process. */
  call(method: string, args: unknown[], options?: RemoteCallOptions): Promise<unknown>;
  /** Runs a lifecycle step in every process; `cleanup` then destroys the instance. */
  lifecycle(step: LifecycleStep): Promise<void>;
}

/** A subprocess plugin: N supervised processes, their instances, stats. */
export interface PluginPool extends AsyncDisposable {
  /** The plugin's name: its handshake's once started, the configured one before. */
  readonly name: string;
  /** The accepted handshake of the first process. */
  readonly handshake: HandshakeMessage | undefined;
  /** Starts every process; rejects (with every process gone) if one cannot start. */
  start(): Promise<HandshakeMessage>;
  /** `create` in every ready process (and in every process started later). */
  createInstance(module: string, config: unknown, options?: { path?: string | undefined }): Promise<RemoteInstance>;
  stats(): PluginStats;
  subscribe(listener: PluginEventListener): () => void;
  /** Graceful stop of every process; idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs a subprocess plugin as a pool of `processes` supervised processes. Calls go to the ready
 * process with the fewest calls in flight and queued. Instances are created in every process and
 * replayed (create, provision, validate, start) into a process that restarts before it serves.
 */
export function createPluginPool(options: SubprocessPluginOptions, context: PluginPoolContext): PluginPool {
  return new SubprocessPluginPool(resolveSubprocessOptions(options), context);
}

class SubprocessPluginPool implements PluginPool {
  readonly #options: ResolvedSubprocessOptions;
  readonly #logger: Logger;
  readonly #stats: PluginStatsRecorder;
  readonly #supervisors: PluginSupervisor[];
  readonly #records = new Map<number, InstanceRecord>();
  readonly #applied = new WeakMap<PluginProcess, Map<number, AppliedInstance>>();
  #handshake: HandshakeMessage | undefined;
  #nextKey = 1;
  #state: "idle" | "starting" | "started" | "stopping" | "stopped" = "idle";
  #stopping: Promise<void> | undefined;

  constructor(options: ResolvedSubprocessOptions, context: PluginPoolContext) {
    this.#options = options;
    this.#logger = context.logger.child({ plugin: options.name });
    this.#stats = new PluginStatsRecorder(this.#logger);
    this.#supervisors = Array.from(
      { length: options.processes },
      (_, slot) =>
        new PluginSupervisor({
          slot,
          options,
          logger: this.#logger,
          stats: this.#stats,
          tools: context.tools,
          prepare: async (process) => {
            this.#handshake = checkSameHandshake(this.#handshake, process);
            await syncInstances(process, this.#records, this.#appliedOf(process), options.lifecycleTimeoutMs);
          },
          onReady: (process) => {
            const applied = this.#appliedOf(process);
            if (instancesInSync(this.#records, applied)) return;
            syncInstances(process, this.#records, applied, options.lifecycleTimeoutMs).catch((error: unknown) =>
              process.fail(isLoomError(error) ? error : new LoomError(ErrorCode.INTERNAL, String(error))),
            );
          },
        }),
    );
  }

  get name(): string {
    return this.#handshake?.plugin.name ?? this.#options.name;
  }

  get handshake(): HandshakeMessage | undefined {
    return this.#handshake;
  }

  async start(): Promise<HandshakeMessage> {
    if (this.#state !== "idle") throw new LoomError(ErrorCode.INTERNAL, `plugin ${this.name} was already started`);
    this.#state = "starting";
    const results = await Promise.allSettled(this.#supervisors.map((supervisor) => supervisor.start()));
    const failed = results.find((result) => result.status === "rejected");
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
    this.#state = "started";
    return this.#handshake!;
  }

  async createInstance(module: string, config: unknown, options: { path?: string | undefined } = {}): Promise<RemoteInstance> {
    const what = `plugin ${this.name}: create ${module}`;
    if (this.#handshake && !this.#handshake.modules.some((m) => m.id === module)) {
      throw new LoomError(ErrorCode.MODULE_UNKNOWN, `${what}: the plugin does not announce module ${module}`);
    }
    const targets = this.#ready();
    if (targets.length === 0) throw this.#unavailable(what);
    const record: InstanceRecord = { key: this.#nextKey++, module, config, path: options.path, want: initialState() };
    this.#records.set(record.key, record);
    const deadlineAt = performance.now() + this.#options.lifecycleTimeoutMs;
    const created = await Promise.allSettled(
      targets.map(async (process) => {
        const id = await process.connection.create(module, config, options.path, { deadlineAt, what });
        this.#appliedOf(process).set(record.key, { id, ...initialState() });
      }),
    );
    const failure = created.find((result) => result.status === "rejected");
    if (failure) {
      await this.#destroy(record);
      throw failure.reason;
    }
    return {
      module,
      call: (method, args, callOptions) => this.#call(record, method, args, callOptions),
      lifecycle: (step) => (step === "cleanup" ? this.#cleanup(record) : this.#lifecycle(record, step)),
    };
  }

  stats(): PluginStats {
    const processes = this.#supervisors.map((supervisor) => ({
      slot: supervisor.slot,
      state: supervisor.state,
      pid: supervisor.pid,
      inFlight: supervisor.process?.connection.inFlight ?? 0,
      queued: supervisor.process?.connection.queued ?? 0,
      startedAt: supervisor.process?.startedAt,
    }));
    return this.#stats.snapshot(this.name, this.#handshake?.plugin.version, processes);
  }

  subscribe(listener: PluginEventListener): () => void {
    return this.#stats.subscribe(listener);
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#state = "stopping";
      await Promise.all(this.#supervisors.map((supervisor) => supervisor.stop()));
      this.#records.clear();
      this.#state = "stopped";
    })();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /**
   * One `call`, measured (stats event, debug log line) by the connection's `onSettled`: on `target`, or
   * on the least-loaded ready process that has the instance. Not an async function, and no `then`: a
   * call costs the connection's promise and nothing more (this is the hot path of every remote method).
   */
  #call(record: InstanceRecord, method: string, args: unknown[], options: RemoteCallOptions = {}, target?: Target): Promise<unknown> {
    const started = performance.now();
    const what = `plugin ${this.name}: ${record.module} ${method}()`;
    let pid: number | undefined;
    const done = (outcome: RequestOutcome): void => {
      const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      this.#logger.debug({ pid, module: record.module, method, latencyMs, outcome }, "plugin call");
      this.#stats.recordCall(this.name, record.module, method, latencyMs, outcome);
    };
    try {
      if (!this.#records.has(record.key)) throw new LoomError(ErrorCode.PLUGIN_TARGET_UNKNOWN, `${what}: the instance was cleaned up`);
      target ??= this.#leastLoaded(record);
      if (!target) throw this.#unavailable(what);
      pid = target.process.pid;
      const deadlineAt = started + (options.timeoutMs ?? this.#options.callTimeoutMs);
      return target.process.connection.call(target.instance.id, method, args, { deadlineAt, now: started, signal: options.signal, cancel: options.cancel, what, onSettled: done });
    } catch (error) {
      done(outcomeOf(error));
      return Promise.reject(error);
    }
  }

  async #lifecycle(record: InstanceRecord, step: Exclude<LifecycleStep, "cleanup">): Promise<void> {
    applyStep(record.want, step);
    const targets = this.#ready().filter((process) => this.#appliedOf(process).has(record.key));
    if (targets.length === 0 && step !== "stop") throw this.#unavailable(`plugin ${this.name}: ${record.module} ${step}()`);
    await settleAll(
      targets.map(async (process) => {
        const instance = this.#appliedOf(process).get(record.key)!;
        await this.#call(record, step, [], { timeoutMs: this.#options.lifecycleTimeoutMs }, { process, instance });
        applyStep(instance, step);
      }),
    );
  }

  async #cleanup(record: InstanceRecord): Promise<void> {
    if (!this.#records.has(record.key)) return;
    try {
      await settleAll(
        this.#ready().flatMap((process) => {
          const instance = this.#appliedOf(process).get(record.key);
          return instance ? [this.#call(record, "cleanup", [], { timeoutMs: this.#options.lifecycleTimeoutMs }, { process, instance })] : [];
        }),
      );
    } finally {
      await this.#destroy(record);
    }
  }

  /** Forgets an instance: out of the table, `destroy` in every ready process that has it. */
  async #destroy(record: InstanceRecord): Promise<void> {
    this.#records.delete(record.key);
    await Promise.all(
      this.#ready().map(async (process) => {
        const applied = this.#appliedOf(process);
        const instance = applied.get(record.key);
        if (!instance) return;
        applied.delete(record.key);
        const what = `plugin ${this.name}: destroy ${record.module}`;
        await process.connection
          .destroy(instance.id, { deadlineAt: performance.now() + this.#options.lifecycleTimeoutMs, what })
          .catch((error: unknown) => this.#logger.warn({ err: error, pid: process.pid, module: record.module }, "destroy failed"));
      }),
    );
  }

  #appliedOf(process: PluginProcess): Map<number, AppliedInstance> {
    let applied = this.#applied.get(process);
    if (!applied) this.#applied.set(process, (applied = new Map()));
    return applied;
  }

  #ready(): PluginProcess[] {
    return this.#supervisors.flatMap((s) => (s.state === "ready" && s.process ? [s.process] : []));
  }

  /** The ready process with the fewest calls in flight and queued that has the instance. */
  #leastLoaded(record: InstanceRecord): Target | undefined {
    let best: Target | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const supervisor of this.#supervisors) {
      const load = supervisor.load;
      if (load >= bestLoad) continue;
      const instance = this.#appliedOf(supervisor.process!).get(record.key);
      if (!instance) continue;
      best = { process: supervisor.process!, instance };
      bestLoad = load;
    }
    return best;
  }

  #unavailable(what: string): LoomError {
    return unavailableError(what, this.name, this.#state === "stopping" || this.#state === "stopped" ? this.#state : undefined, this.#supervisors);
  }
}

/** A process and the instance's id in it. */
interface Target {
  readonly process: PluginProcess;
  readonly instance: AppliedInstance;
}

/** Waits for every promise; then throws the first rejection, if any. */
async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}

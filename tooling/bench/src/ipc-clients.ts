import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** One side of `pnpm bench ipc`: sends a payload to a child process and resolves with the echo. */
export interface IpcClient {
  readonly name: string;
  /** The child's pid (to pin it). */
  readonly pid: number;
  call(payload: Uint8Array): Promise<unknown>;
  close(): Promise<void>;
}

/** Pins every thread of `pid` to `cpu` (taskset -a -p); a no-op when taskset is missing. */
export function pin(pid: number, cpu: string): void {
  spawnSync("taskset", ["-a", "-p", "-c", cpu, String(pid)], { stdio: "ignore" });
}

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    setTimeout(() => child.kill("SIGKILL"), 2_000).unref();
  });

/**
 * The floor: a bare pipe to ipc-floor-child.mjs, u32 length + raw bytes each way, replies in order (the
 * child echoes in order), parsed by hand.
 */
export function startFloor(childFile: string): IpcClient {
  const child = spawn(process.execPath, [childFile], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting: ((bytes: Uint8Array) => void)[] = [];
  let head = 0;
  let pending: Buffer = Buffer.alloc(0);
  child.stdout!.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 4) {
      const size = pending.readUInt32BE(at);
      if (pending.length - at - 4 < size) break;
      const resolve = waiting[head]!;
      waiting[head++] = undefined as never;
      resolve(pending.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    pending = pending.subarray(at);
    if (head > 1024 && head === waiting.length) {
      waiting.length = 0;
      head = 0;
    }
  });
  return {
    name: "floor",
    pid: child.pid!,
    call(payload) {
      const frame = Buffer.allocUnsafe(4 + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      frame.set(payload, 4);
      child.stdin!.write(frame);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      child.stdin!.end();
      return exited(child);
    },
  };
}

const texts = new WeakMap<Uint8Array, string>();

/**
 * A payload as the string a JSON peer sends: latin1 up to 64 bytes, else `large` (base64 for
 * vscode-jsonrpc, which has no bytes). Converted once per payload, as the floor builds its frames from
 * the bytes it is given: the conversion is the caller's work, not the protocol's.
 */
function wireText(payload: Uint8Array, large: "base64" | "latin1"): string {
  let text = texts.get(payload);
  if (text === undefined) texts.set(payload, (text = Buffer.from(payload).toString(payload.length <= 64 ? "latin1" : large)));
  return text;
}

interface JsonRpcModule {
  StreamMessageReader: new (stream: NodeJS.ReadableStream) => unknown;
  StreamMessageWriter: new (stream: NodeJS.WritableStream) => unknown;
  createMessageConnection(reader: unknown, writer: unknown): {
    listen(): void;
    sendRequest(method: string, param: unknown): Promise<unknown>;
    dispose(): void;
  };
}

/** The peer: vscode-jsonrpc over the child's stdio (Content-Length framing, JSON; bytes go as base64). */
export function startPeer(childFile: string): IpcClient {
  const rpc = createRequire(import.meta.url)("vscode-jsonrpc/node") as JsonRpcModule;
  const child = spawn(process.execPath, [childFile], { stdio: ["pipe", "pipe", "inherit"] });
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout!), new rpc.StreamMessageWriter(child.stdin!));
  connection.listen();
  return {
    name: "vscode-jsonrpc",
    pid: child.pid!,
    call: (payload) => connection.sendRequest("echo", wireText(payload, "base64")),
    close() {
      connection.dispose();
      child.stdin!.end();
      return exited(child);
    },
  };
}

interface RemoteInstance {
  call(method: string, args: unknown[]): Promise<unknown>;
}
interface PluginPool {
  start(): Promise<unknown>;
  createInstance(module: string, config: unknown): Promise<RemoteInstance>;
  stop(): Promise<void>;
}
type CreatePluginPool = (options: Record<string, unknown>, context: { logger: unknown }) => PluginPool;

let createPluginPool: CreatePluginPool | undefined;

/** Loads the runtime from a bundle of it (`runtimeFile`): @loom/bench does not depend on it. */
export async function loadRuntime(runtimeFile: string): Promise<void> {
  createPluginPool = ((await import(pathToFileURL(runtimeFile).href)) as { createPluginPool: CreatePluginPool }).createPluginPool;
}

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child: () => silent };

/** A started pool and its instance of `bench.ipc.echo`; `first` is the wall time of start to the first answer. */
export async function startLoom(bundle: string, env: Record<string, string>): Promise<IpcClient & { firstCallMs: number }> {
  const started = performance.now();
  const pool = createPluginPool!(
    { name: "bench-ipc", command: process.execPath, args: [bundle], env, healthIntervalMs: 0 },
    { logger: silent },
  );
  await pool.start();
  const instance = await pool.createInstance("bench.ipc.echo", {});
  const pid = (await instance.call("pid", [])) as number;
  const firstCallMs = performance.now() - started;
  return {
    name: "loom",
    pid,
    firstCallMs,
    call: (payload) => instance.call("echo", [payload.length <= 64 ? wireText(payload, "latin1") : payload]),
    close: () => pool.stop(),
  };
}

import type { Readable } from "node:stream";
import { ErrorCode, FrameDecoder, LoomError, PROTOCOL_VERSIONS, chooseProtocolVersion, isLoomError, parseFrameMessage } from "@loom/protocol";
import type { FrameMessage, PluginLaunch, RawFrame } from "@loom/protocol";
import type { Logger } from "../logger.ts";
import type { PluginDefinition } from "../plugin.ts";
import { buildHandshake } from "./build-handshake.ts";
import { createFrameWriter } from "./create-frame-writer.ts";
import { createPluginServer } from "./create-plugin-server.ts";
import type { Channel } from "./open-channel.ts";
import { resolveServedModules } from "./resolve-served-modules.ts";
import type { ServedNamespace, UnservableNamespace } from "./served-namespace.ts";
import { settleWithin } from "./settle-within.ts";
import { watchLifeline } from "./watch-lifeline.ts";

/** How long in-flight work may run after the host is gone (the spec's upper bound). */
export const LIFELINE_DRAIN_MS = 5_000;
/** How long the last frames may take to reach the host before the process exits anyway. */
const CLOSE_TIMEOUT_MS = 2_000;

export interface ConnectionOptions {
  plugin: PluginDefinition;
  launch: PluginLaunch;
  channel: Channel;
  lifeline: Readable;
  logger: Logger;
  namespaces: Readonly<Record<string, ServedNamespace | UnservableNamespace>>;
  maxFrameBytes: number;
  maxConcurrentCalls?: number;
}

const FROM_HOST = { from: "host" } as const;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One protocol v1 connection from handshake to end. Resolves with the exit status: 0 after a shutdown
 * or when the host is gone (lifeline), 1 when the connection failed (no common version, a protocol
 * error either way, an unservable plugin). Never exits the process itself.
 */
export function runConnection(options: ConnectionOptions): Promise<number> {
  const { plugin, launch, channel, logger } = options;
  const writer = createFrameWriter(channel.output, launch.maxFrameBytes);
  /** Set once the connection is ending; frames are still read (health, cancel) until `reading` is false. */
  let ended = false;
  let reading = true;
  let resolveExit!: (code: number) => void;
  const exit = new Promise<number>((resolve) => (resolveExit = resolve));
  const end = async (code: number, work?: Promise<void>): Promise<void> => {
    if (ended) return;
    ended = true;
    await work?.catch((error: unknown) => logger.error({ err: error }, "shutdown failed (a bug in serve)"));
    reading = false;
    channel.input.destroy();
    await settleWithin([writer.close()], CLOSE_TIMEOUT_MS);
    resolveExit(code);
  };
  /** Fails the connection: an `error` frame with id 0 (best effort), then exit 1. */
  const failConnection = (code: string, message: string, data?: unknown): void => {
    if (ended) return;
    reading = false;
    logger.error({ code }, message);
    try {
      writer.send(data === undefined ? { type: "error", id: 0, code, message } : { type: "error", id: 0, code, message, data });
    } catch (error) {
      logger.error({ err: error }, "could not send the error frame");
    }
    void end(1);
  };

  let protocolVersion: number;
  let served: ReturnType<typeof resolveServedModules>;
  try {
    protocolVersion = chooseProtocolVersion(launch.protocolVersions, PROTOCOL_VERSIONS);
  } catch (error) {
    failConnection(ErrorCode.PROTOCOL_VERSION_MISMATCH, messageOf(error), { host: launch.protocolVersions, plugin: [...PROTOCOL_VERSIONS] });
    return exit;
  }
  try {
    served = resolveServedModules(plugin, options.namespaces);
    for (const { id, reason } of served.skipped) logger.warn({ module: id }, `module ${id} is not served: ${reason}`);
    writer.send(
      buildHandshake({
        plugin,
        launch,
        protocolVersion,
        modules: served.modules.values(),
        maxFrameBytes: options.maxFrameBytes,
        maxConcurrentCalls: options.maxConcurrentCalls,
      }),
    );
  } catch (error) {
    failConnection(ErrorCode.HANDSHAKE_FAILED, messageOf(error));
    return exit;
  }

  const server = createPluginServer({
    modules: served.modules,
    send: (message) => writer.send(message),
    logger,
    maxConcurrentCalls: options.maxConcurrentCalls,
  });
  let stopping = false;
  const shutdown = (deadlineMs: number, why: string): void => {
    if (stopping || ended) return;
    stopping = true;
    logger.info({ deadlineMs }, `shutting down: ${why}`);
    void end(0, server.shutdown(deadlineMs));
  };
  const hostGone = (reason: string) => shutdown(LIFELINE_DRAIN_MS, `the host is gone: ${reason}`);

  const onFrame = (frame: RawFrame): void => {
    if (!reading) return;
    const message: FrameMessage = parseFrameMessage(frame, FROM_HOST);
    if (message.type === "shutdown") return shutdown(message.deadlineMs, "the host asked");
    if (message.type === "error") {
      if (message.id !== 0) {
        throw new LoomError(ErrorCode.PROTOCOL_ERROR, `error frame (id ${message.id}): the plugin sends no requests, so an error from the host has id 0`);
      }
      logger.error({ code: message.code, data: message.data }, `the host failed the connection: ${message.message}`);
      reading = false;
      server.abortAll();
      void end(1);
      return;
    }
    server.receive(message as Parameters<typeof server.receive>[0]);
  };
  const decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes });
  channel.input.on("data", (chunk: Buffer) => {
    if (!reading) return;
    try {
      decoder.push(chunk, onFrame);
    } catch (error) {
      server.abortAll();
      if (isLoomError(error)) failConnection(error.code, `the host broke protocol v1: ${error.message}`);
      else failConnection(ErrorCode.INTERNAL, `serve failed on a frame from the host (a bug in serve): ${messageOf(error)}`);
    }
  });
  channel.input.on("end", () => hostGone("end-of-file on the channel"));
  channel.input.on("error", (error) => hostGone(`the channel failed: ${error.message}`));
  channel.output.on("error", (error) => hostGone(`the channel failed: ${error.message}`));
  watchLifeline(options.lifeline, hostGone);
  return exit;
}

import type { Readable } from "node:stream";
import { ErrorCode, FrameDecoder, LoomError, isLoomError, parseFrameMessage } from "@loom/protocol";
import type { ErrorMessage, FrameMessage, HandshakeMessage, RawFrame } from "@loom/protocol";

const FROM_PLUGIN = { from: "plugin" } as const;

/** A reply to one of the host's requests: what follows the handshake, besides a connection error. */
export type ReplyMessage = Exclude<FrameMessage, HandshakeMessage>;

export interface FrameReaderHandlers {
  /** The first frame, a handshake (schema-valid; not yet checked against the launch). */
  handshake(message: HandshakeMessage): void;
  /** An `error` frame with id 0: as the first frame the plugin refused the launch, later it closed the connection. */
  connectionError(message: ErrorMessage, beforeHandshake: boolean): void;
  /** Any other frame after the handshake; throwing a LoomError makes it a protocol error. */
  reply(message: ReplyMessage): void;
  /** A broken frame, an invalid message, or a frame out of place; nothing more is read. */
  protocolError(error: LoomError, beforeHandshake: boolean): void;
  /** The plugin closed fd 4 (not called after a protocol error). */
  end(): void;
}

/**
 * Reads the plugin's frames from fd 4 (docs/protocol.md, "Framing", "Errors"): FrameDecoder with the
 * host's maximum frame size (an oversized frame is refused from its length prefix alone), every message
 * validated by parseFrameMessage, the handshake first and only once. After a protocol error it stops
 * reading: the stream can no longer be trusted.
 */
export class FrameReader {
  readonly #input: Readable;
  readonly #decoder: FrameDecoder;
  readonly #handlers: FrameReaderHandlers;
  #awaitingHandshake = true;
  #stopped = false;

  constructor(input: Readable, maxFrameBytes: number, handlers: FrameReaderHandlers) {
    this.#input = input;
    this.#handlers = handlers;
    this.#decoder = new FrameDecoder({ maxFrameBytes });
    input.on("data", (chunk: Uint8Array) => this.#read(chunk));
    input.on("error", () => undefined);
    input.on("end", () => {
      if (this.#stopped) return;
      try {
        this.#decoder.end();
      } catch {
        // A stream cut inside a frame: the process is ending, and its exit says why.
      }
      handlers.end();
    });
  }

  /** Stops reading and lets go of fd 4. */
  stop(): void {
    this.#stopped = true;
    this.#input.destroy();
  }

  #read(chunk: Uint8Array): void {
    if (this.#stopped) return;
    try {
      this.#decoder.push(chunk, this.#onFrame);
    } catch (cause) {
      if (this.#stopped) return;
      const error = isLoomError(cause) ? cause : new LoomError(ErrorCode.PROTOCOL_ERROR, String(cause), { cause });
      const beforeHandshake = this.#awaitingHandshake;
      this.stop();
      this.#handlers.protocolError(error, beforeHandshake);
    }
  }

  #onFrame = (frame: RawFrame): void => {
    if (this.#stopped) return;
    const message = parseFrameMessage(frame, FROM_PLUGIN);
    if (message.type === "error" && message.id === 0) {
      const beforeHandshake = this.#awaitingHandshake;
      this.#awaitingHandshake = false;
      return this.#handlers.connectionError(message, beforeHandshake);
    }
    if (this.#awaitingHandshake) {
      if (message.type !== "handshake") {
        throw new LoomError(ErrorCode.PROTOCOL_ERROR, `the first frame must be the handshake, not a ${message.type} frame (id ${message.id})`);
      }
      this.#awaitingHandshake = false;
      return this.#handlers.handshake(message);
    }
    if (message.type === "handshake") throw new LoomError(ErrorCode.PROTOCOL_ERROR, "a second handshake");
    this.#handlers.reply(message);
  };
}

import { ErrorCode, FrameDecoder, LoomError, PROTOCOL_VERSIONS, checkHandshake, isLoomError, parseFrameMessage } from "@loom/protocol";
import type { ErrorMessage, FrameMessage, HandshakeMessage, RawFrame, ResultMessage } from "@loom/protocol";

/** What one exec run asks of the plugin: only its handshake, `create`, or `create` and one `call`. */
export type ExecRunKind = "handshake" | "create" | "call";

/** The request ids of an exec run (docs/protocol.md, "Exec mode"). */
export const EXEC_CREATE_ID = 1;
export const EXEC_CALL_ID = 2;

/** The plugin's answer, once complete: `created` for a create run, the call's reply for a call run; an `error` either way. */
export type ExecReply = { type: "created" } | ResultMessage | ErrorMessage;

/**
 * Reads the plugin's stdout of one exec run as protocol v1 frames and checks their order: the handshake
 * (checked against the launch: versions, nonce, unique modules), then for a create run `created` or
 * `error` with id 1, for a call run `created` then `result` or `error` with id 2 (or `error` with id 1
 * alone). An `error` with id 0 is the plugin failing the run. Anything else, and any byte after the last
 * expected frame, is a protocol error: `failure` is set and reading stops.
 */
export class ExecReplyReader {
  readonly #kind: ExecRunKind;
  readonly #nonce: string;
  readonly #decoder: FrameDecoder;
  #created = false;
  handshake: HandshakeMessage | undefined;
  reply: ExecReply | undefined;
  /** Why the run failed on the plugin's side: a protocol error, a bad handshake, or the plugin's own `error` with id 0. */
  failure: LoomError | undefined;

  constructor(kind: ExecRunKind, nonce: string, maxFrameBytes: number) {
    this.#kind = kind;
    this.#nonce = nonce;
    this.#decoder = new FrameDecoder({ maxFrameBytes });
  }

  /** True once every frame the run expects has arrived. */
  get complete(): boolean {
    return this.failure === undefined && (this.#kind === "handshake" ? this.handshake !== undefined : this.reply !== undefined);
  }

  push(chunk: Uint8Array): void {
    if (this.failure) return;
    if (this.complete) {
      this.#fail(`wrote ${chunk.length} more bytes on stdout after its last reply`);
      return;
    }
    try {
      this.#decoder.push(chunk, (frame) => this.#onFrame(frame));
    } catch (error) {
      if (this.failure) return;
      if (isLoomError(error) && HANDSHAKE_CODES.has(error.code)) this.#failWith(error);
      else {
        const what = this.complete ? "wrote more bytes on stdout after its last reply" : "wrote something on stdout that is not protocol v1 frames";
        this.#fail(`${what}: ${isLoomError(error) ? error.message : String(error)}`, error);
      }
    }
  }

  /** Call when stdout ended: a frame cut short is a protocol error. */
  end(): void {
    if (this.failure) return;
    if (this.complete && this.#decoder.buffered > 0) {
      this.#fail(`wrote ${this.#decoder.buffered} more bytes on stdout after its last reply`);
      return;
    }
    try {
      this.#decoder.end();
    } catch (error) {
      this.#fail(`ended stdout in the middle of a frame: ${isLoomError(error) ? error.message : String(error)}`, error);
    }
  }

  #onFrame(frame: RawFrame): void {
    if (this.failure) return;
    if (this.complete) throw this.#fail(`sent a frame after its last reply (type 0x${frame.type.toString(16).padStart(2, "0")}, id ${frame.id})`);
    let message: FrameMessage;
    try {
      message = parseFrameMessage(frame, { from: "plugin" });
    } catch (error) {
      throw this.#fail(`sent a frame that breaks protocol v1: ${isLoomError(error) ? error.message : String(error)}`, error);
    }
    if (message.type === "error" && message.id === 0) {
      throw this.#failWith(new LoomError(knownCode(message.code), `failed the run: ${message.message}`));
    }
    if (!this.handshake) {
      if (message.type !== "handshake") throw this.#fail(`sent ${describe(message)} before its handshake; the first frame must be the handshake`);
      checkHandshake(message, { protocolVersions: PROTOCOL_VERSIONS, nonce: this.#nonce });
      this.handshake = message;
      return;
    }
    const expected = this.#expected();
    // An error on the id awaited ends the run: on id 1 the instance could not be created, on id 2 the call failed.
    if (message.type === "error" && message.id === expected.id) {
      this.reply = message;
    } else if (message.type === expected.type && message.id === expected.id) {
      if (message.type === "created" && this.#kind === "call") this.#created = true;
      else this.reply = message.type === "created" ? { type: "created" } : (message as ResultMessage);
    } else {
      throw this.#fail(`sent ${describe(message)} where ${expected.type} or error with id ${expected.id} belongs`);
    }
  }

  /** The next reply the run waits for. */
  #expected(): { type: "created" | "result"; id: number } {
    if (this.#kind === "call" && this.#created) return { type: "result", id: EXEC_CALL_ID };
    return { type: "created", id: EXEC_CREATE_ID };
  }

  #fail(message: string, cause?: unknown): LoomError {
    return this.#failWith(new LoomError(ErrorCode.PROTOCOL_ERROR, `${message} (in exec mode stdout carries only protocol frames; print logs to stderr)`, { cause }));
  }

  #failWith(error: LoomError): LoomError {
    this.failure ??= error;
    return this.failure;
  }
}

/** What checkHandshake throws: kept as they are, not turned into PROTOCOL_ERROR. */
const HANDSHAKE_CODES: ReadonlySet<string> = new Set([ErrorCode.HANDSHAKE_FAILED, ErrorCode.PROTOCOL_VERSION_MISMATCH]);
const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

function knownCode(code: string): ErrorCode {
  return KNOWN_CODES.has(code) ? (code as ErrorCode) : ErrorCode.PLUGIN_CALL_FAILED;
}

function describe(message: FrameMessage): string {
  return `a frame of type ${message.type} with id ${message.id}`;
}

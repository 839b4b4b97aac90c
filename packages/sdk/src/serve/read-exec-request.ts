import type { Readable } from "node:stream";
import { ErrorCode, FrameDecoder, LoomError, parseFrameMessage } from "@loom/protocol";
import type { CallMessage, CreateMessage, FrameMessage } from "@loom/protocol";

/** The request ids of an exec run (docs/protocol.md, "Exec mode"). */
export const EXEC_CREATE_ID = 1;
export const EXEC_CALL_ID = 2;

/** What the host asked of one exec run: nothing (its handshake only), `create`, or `create` and one `call`. */
export interface ExecRequest {
  readonly create?: CreateMessage;
  readonly call?: CallMessage;
}

const describe = (message: FrameMessage) => `${message.type} frame (id ${message.id})`;

/**
 * Reads stdin to its end as protocol v1 frames (each checked with parseFrameMessage) and checks the shape
 * of an exec request: no frame, or `create` with id 1, optionally followed by `call` with id 2. Anything
 * else throws PROTOCOL_ERROR saying what came and what was expected.
 */
export function readExecRequest(stdin: Readable, maxFrameBytes: number): Promise<ExecRequest> {
  const decoder = new FrameDecoder({ maxFrameBytes });
  const messages: FrameMessage[] = [];
  const check = (message: FrameMessage): void => {
    const expected = messages.length === 0 ? { type: "create", id: EXEC_CREATE_ID } : messages.length === 1 ? { type: "call", id: EXEC_CALL_ID } : undefined;
    if (!expected) throw new LoomError(ErrorCode.PROTOCOL_ERROR, `exec mode takes at most a create and a call, and the host sent a further ${describe(message)}`);
    if (message.type !== expected.type || message.id !== expected.id) {
      throw new LoomError(ErrorCode.PROTOCOL_ERROR, `exec mode expected a ${expected.type} frame with id ${expected.id}, and the host sent a ${describe(message)}`);
    }
    messages.push(message);
  };
  return new Promise((resolve, reject) => {
    stdin.on("data", (chunk: Buffer) => {
      try {
        decoder.push(chunk, (frame) => check(parseFrameMessage(frame, { from: "host" })));
      } catch (error) {
        stdin.destroy();
        reject(error);
      }
    });
    stdin.once("end", () => {
      try {
        decoder.end();
        const [create, call] = messages as [CreateMessage?, CallMessage?];
        resolve({ ...(create ? { create } : {}), ...(call ? { call } : {}) });
      } catch (error) {
        reject(error);
      }
    });
    stdin.once("error", (error) => reject(new LoomError(ErrorCode.PROTOCOL_ERROR, `cannot read the request on stdin: ${error.message}`, { cause: error })));
  });
}

import { describe, expect, it } from "vitest";
import { checkHandshake } from "./check-handshake.ts";
import type { HandshakeMessage } from "./handshake-message.ts";

const nonce = "0123456789abcdef0123456789abcdef";
const handshake: HandshakeMessage = {
  type: "handshake",
  id: 0,
  protocolVersions: [1, 2],
  protocolVersion: 2,
  nonce,
  plugin: { name: "echo", version: "1.0.0" },
  capabilities: [],
  modules: [{ id: "http.handlers.echo", methods: ["handle"] }],
};

describe("checkHandshake", () => {
  it("returns the connection's version when the plugin chose the highest common one and echoed the nonce", () => {
    expect(checkHandshake(handshake, { protocolVersions: [1, 2, 3], nonce })).toBe(2);
  });

  it("refuses a lower choice, another nonce, a duplicate module and no common version", () => {
    const fails = (h: HandshakeMessage, versions = [1, 2]) => {
      try {
        checkHandshake(h, { protocolVersions: versions, nonce });
      } catch (error) {
        return `${(error as { code: string }).code}: ${(error as Error).message}`;
      }
      return "passed";
    };
    expect(fails({ ...handshake, protocolVersion: 1 })).toBe(
      "HANDSHAKE_FAILED: plugin echo@1.0.0 chose protocol version 1, but the highest common version is 2",
    );
    expect(fails({ ...handshake, nonce: "f".repeat(32) })).toBe("HANDSHAKE_FAILED: plugin echo@1.0.0 echoed a nonce that is not the one of this launch");
    expect(fails({ ...handshake, modules: [...handshake.modules, ...handshake.modules] })).toBe(
      "HANDSHAKE_FAILED: plugin echo@1.0.0 announces module http.handlers.echo twice",
    );
    expect(fails(handshake, [3])).toBe("PROTOCOL_VERSION_MISMATCH: no common protocol version: the host speaks 3, the plugin speaks 1, 2");
  });
});

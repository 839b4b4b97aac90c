import { chooseProtocolVersion } from "./choose-protocol-version.ts";
import { ErrorCode } from "./error-codes.ts";
import type { HandshakeMessage } from "./handshake-message.ts";
import { LoomError } from "./loom-error.ts";

export interface HandshakeExpectation {
  /** The versions the host offered in LOOM_PLUGIN_PROTOCOL_VERSIONS. */
  protocolVersions: readonly number[];
  /** The nonce the host passed in LOOM_PLUGIN_NONCE. */
  nonce: string;
}

/**
 * The host's checks of a (schema-valid) handshake against what it passed at launch: a common version
 * (else PROTOCOL_VERSION_MISMATCH), the highest one chosen, the nonce echoed, module IDs unique (else
 * HANDSHAKE_FAILED). Returns the protocol version of the connection.
 */
export function checkHandshake(handshake: HandshakeMessage, expected: HandshakeExpectation): number {
  const version = chooseProtocolVersion(expected.protocolVersions, handshake.protocolVersions);
  const plugin = `plugin ${handshake.plugin.name}@${handshake.plugin.version}`;
  if (handshake.protocolVersion !== version) {
    throw new LoomError(
      ErrorCode.HANDSHAKE_FAILED,
      `${plugin} chose protocol version ${handshake.protocolVersion}, but the highest common version is ${version}`,
    );
  }
  if (handshake.nonce !== expected.nonce) {
    throw new LoomError(ErrorCode.HANDSHAKE_FAILED, `${plugin} echoed a nonce that is not the one of this launch`);
  }
  const seen = new Set<string>();
  for (const module of handshake.modules) {
    if (seen.has(module.id)) throw new LoomError(ErrorCode.HANDSHAKE_FAILED, `${plugin} announces module ${module.id} twice`);
    seen.add(module.id);
  }
  return version;
}

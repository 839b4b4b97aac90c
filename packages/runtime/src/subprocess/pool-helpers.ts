import { ErrorCode, LoomError } from "@loom/protocol";
import type { HandshakeMessage } from "@loom/protocol";
import type { PluginProcess } from "./plugin-process.ts";
import type { PluginSupervisor } from "./plugin-supervisor.ts";

const shape = (handshake: HandshakeMessage) =>
  JSON.stringify([handshake.plugin.name, handshake.plugin.version, handshake.modules.map((m) => [m.id, m.methods])]);

/**
 * The pool's handshake: the first process's. Every later process (another slot, a restart) must
 * announce the same plugin, version and modules, or it fails to start with HANDSHAKE_FAILED: the
 * instances the host built are only valid for what it first announced.
 */
export function checkSameHandshake(known: HandshakeMessage | undefined, process: PluginProcess): HandshakeMessage {
  if (!known) return process.handshake;
  if (shape(known) === shape(process.handshake)) return known;
  const now = process.handshake;
  throw new LoomError(
    ErrorCode.HANDSHAKE_FAILED,
    `${process.label} announces ${now.plugin.name}@${now.plugin.version} with modules ${now.modules.map((m) => m.id).join(", ") || "(none)"}, ` +
      `but this plugin runs as ${known.plugin.name}@${known.plugin.version} with modules ${known.modules.map((m) => m.id).join(", ") || "(none)"}`,
  );
}

/**
 * Why a call finds no ready process: the pool is stopping (PLUGIN_STOPPING), every slot's circuit is
 * open (PLUGIN_CRASHED, with the time until the half-open retry), or it is being restarted
 * (PLUGIN_CRASHED); the last error's first line says what happened.
 */
export function unavailableError(what: string, name: string, ending: "stopping" | "stopped" | undefined, supervisors: readonly PluginSupervisor[]): LoomError {
  if (ending) return new LoomError(ErrorCode.PLUGIN_STOPPING, `${what}: plugin ${name} is ${ending}`);
  const last = supervisors.map((s) => s.lastError).find((error) => error !== undefined);
  const lastText = last ? `; last error: ${last.message.split("\n")[0]}` : "";
  if (supervisors.every((s) => s.state === "failed")) {
    const retryAt = Math.min(...supervisors.map((s) => s.retryAt ?? Date.now()));
    const seconds = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    return new LoomError(
      ErrorCode.PLUGIN_CRASHED,
      `${what}: plugin ${name} keeps crashing, so its circuit is open: calls fail at once until a retry in ${seconds} s${lastText}`,
    );
  }
  const states = supervisors.map((s) => s.state).join(", ");
  return new LoomError(ErrorCode.PLUGIN_CRASHED, `${what}: plugin ${name} has no process ready (${states}); it is being restarted${lastText}`);
}

import type { StartedGateway } from "@loom/testkit";

/** A row of admin GET /plugins (and `gateway plugins list --json`), as these tests read it. */
export interface PluginRow {
  name: string;
  placement: string;
  version: string;
  pids?: number[];
  state?: string;
  calls?: number;
  errors?: number;
  restarts?: number;
  latencyMs?: { p50: number; p99: number };
}

/** The running gateway's plugins, from its admin API. */
export const adminPlugins = async (gw: StartedGateway): Promise<PluginRow[]> => (await (await fetch(`${gw.adminUrl}/plugins`)).json()) as PluginRow[];

/** Whether a process runs: process.kill(pid, 0) throws once it is gone. */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (at most 50 polls, 5 s) until none of `pids` runs; returns those still running. */
export async function waitGone(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return pids.filter(alive);
}

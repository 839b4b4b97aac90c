import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultLaunchTools } from "../../src/index.ts";
import { fixture, isAlive, waitFor, waitGone } from "./helpers.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Starts the orphan host (through tsx, from the repo root), returns it and its plugin's pid. */
async function startHost(mode: string) {
  const host = spawn(process.execPath, ["--import", "tsx", fixture("orphan-host.ts"), mode], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the host printed no pid within 15 s")), 15_000);
    createInterface({ input: host.stdout! }).once("line", (text) => {
      clearTimeout(timer);
      resolve(text);
    });
    host.once("exit", (code) => reject(new Error(`the host exited with ${code}`)));
  });
  const pid = (JSON.parse(line) as { pids: number[] }).pids[0]!;
  expect(isAlive(pid)).toBe(true);
  return { host, pid };
}

async function killHost(host: ReturnType<typeof spawn>) {
  const exited = new Promise((resolve) => host.once("exit", resolve));
  host.kill("SIGKILL");
  await exited;
}

describe("no orphans: when the host dies, its plugins die too", () => {
  it.skipIf(!defaultLaunchTools().setpriv)("SIGKILLed host: pdeathsig kills a plugin that ignores its lifeline", async () => {
    const { host, pid } = await startHost("pdeathsig");
    await killHost(host);
    const took = await waitGone(pid, 2_000);
    expect(took).toBeLessThan(2_000);
  });

  it("SIGKILLed host without setpriv: a cooperative plugin sees EOF on its lifeline and exits", async () => {
    const { host, pid } = await startHost("lifeline");
    await killHost(host);
    await waitGone(pid, 2_000);
  });

  it("control: without setpriv, a plugin that ignores its lifeline outlives the host", async () => {
    const { host, pid } = await startHost("neither");
    await killHost(host);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(isAlive(pid)).toBe(true);
    } finally {
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
      await waitFor(() => !isAlive(pid), `pid ${pid} to be gone`, 2_000);
    }
  });
});

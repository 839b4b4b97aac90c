import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const VERDACCIO_BIN = join(createRequire(import.meta.url).resolve("verdaccio/package.json"), "..", "bin", "verdaccio");

export interface Verdaccio {
  /** The registry URL, ending with a slash: http://127.0.0.1:<port>/ */
  url: string;
  /** An npmrc with a publish token for this registry. */
  npmrc: string;
  /** `npm publish` of a package folder to this registry. */
  publish(dir: string): Promise<void>;
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that was free a moment ago (nothing listens on it once this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`verdaccio did not answer on ${url} within 30 s:\n${log()}`);
}

/**
 * Starts a real verdaccio on 127.0.0.1 with empty storage and no uplinks (nothing leaves the machine),
 * adds a user and returns an npmrc whose token can publish.
 */
export async function startVerdaccio(): Promise<Verdaccio> {
  const dir = mkdtempSync(join(tmpdir(), "loom-verdaccio-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(
    join(dir, "config.yaml"),
    [
      `storage: ${join(dir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${join(dir, "htpasswd")}`,
      "    max_users: 10",
      "uplinks: {}",
      "max_body_size: 300mb",
      "packages:",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "log: { type: stdout, format: json, level: warn }",
      "",
    ].join("\n"),
  );
  let output = "";
  const child = spawn(process.execPath, [VERDACCIO_BIN, "-c", join(dir, "config.yaml"), "-l", `127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let stopping: Promise<void> | undefined;
  // Idempotent: a second call waits for the same exit (after SIGTERM, exitCode stays null until it exits).
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    await waitForPing(url, child, () => output);
    const user = await fetch(`${url}-/user/org.couchdb.user:loom`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "loom", password: "loom-test-password", type: "user", roles: [] }),
    });
    const { token } = (await user.json()) as { token?: string };
    if (!token) throw new Error(`verdaccio gave no token (${user.status})`);
    const npmrc = join(dir, "npmrc");
    writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    return {
      url,
      npmrc,
      stop,
      async publish(pkgDir: string) {
        await run("npm", ["publish", "--registry", url, "--userconfig", npmrc, "--ignore-scripts", "--no-git-checks"], { cwd: pkgDir, timeout: 120_000 }).catch(
          (error: { stderr?: string; message: string }) => {
            throw new Error(`npm publish ${pkgDir} failed: ${error.stderr ?? error.message}`);
          },
        );
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

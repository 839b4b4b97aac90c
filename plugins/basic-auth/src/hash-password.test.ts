import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "./password-hash.ts";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
const BIN = fileURLToPath(new URL("./hash-password.ts", import.meta.url));

/** Runs the loom-hash-password script with `input` on stdin. */
function run(input: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("loom-hash-password", () => {
  it("prints a hash of the password read on stdin, dropping one trailing newline", async () => {
    const { code, stdout, stderr } = await run("s3cret p\u00e4ss\n");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^scrypt\$32768\$8\$1\$\S+\$\S+\n$/);
    expect(await verifyPassword("s3cret p\u00e4ss", stdout.trim())).toBe(true);
  });

  it("fails on an empty password or arguments", async () => {
    expect(await run("\n")).toMatchObject({ code: 1, stdout: "", stderr: "loom-hash-password: empty password\n" });
    expect(await run("pw", ["--cost"])).toMatchObject({ code: 2, stdout: "" });
  });
});

#!/usr/bin/env tsx
/**
 * `loom-hash-password`: reads a password on stdin and prints its scrypt hash for a basic_auth account.
 *
 *   printf '%s' 'correct horse' | loom-hash-password
 *
 * One trailing newline is dropped, so `echo secret | loom-hash-password` hashes "secret".
 */
import { hashPassword } from "./password-hash.ts";

const MAX_INPUT_BYTES = 4096;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) throw new Error(`input longer than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

async function main(): Promise<void> {
  if (process.argv.length > 2) {
    process.stderr.write("usage: printf '%s' PASSWORD | loom-hash-password\n");
    process.exitCode = 2;
    return;
  }
  if (process.stdin.isTTY) process.stderr.write("Type the password, then Enter and Ctrl-D:\n");
  const password = await readStdin();
  if (password.length === 0) throw new Error("empty password");
  process.stdout.write(`${await hashPassword(password)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`loom-hash-password: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

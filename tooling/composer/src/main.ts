#!/usr/bin/env -S node --import tsx
/** The `loom` executable: runs the CLI and exits with its code. */
import { runLoom } from "./run-loom.ts";

const code = await runLoom(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: process.stderr.isTTY === true,
});
process.exitCode = code;

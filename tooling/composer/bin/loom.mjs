#!/usr/bin/env node
// The `loom` command (`pnpm loom`): runs the bundled CLI, dist/loom.mjs, with plain Node. When a source
// it was made from is newer than it (or it is missing), it is bundled again first (scripts/bundle-cli.mjs),
// so an edit to the composer never runs stale code. `pnpm loom:dev` runs the sources through tsx.
import { readFileSync, statSync } from "node:fs";

const bundle = new URL("../dist/loom.mjs", import.meta.url);

function isStale() {
  try {
    const built = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(new URL("../dist/loom.inputs.json", import.meta.url), "utf8"));
    return inputs.some((file) => statSync(file).mtimeMs > built);
  } catch {
    return true;
  }
}

if (isStale()) await (await import("../scripts/bundle-cli.mjs")).bundleCli();
await import(bundle.href);

import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { injectSeaBlob } from "./inject-sea-blob.ts";
import { SEA_FUSE } from "./make-executable.ts";

const run = promisify(execFile);
const POSTJECT_CLI = createRequire(import.meta.url).resolve("postject/dist/cli.js");
const work = mkdtempSync(join(tmpdir(), "loom-sea-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A SEA blob of a script that prints `text`, padded with a comment to about `bytes`. */
function blobOf(name: string, text: string, bytes: number): string {
  const main = join(work, `${name}.cjs`);
  writeFileSync(main, `process.stdout.write(${JSON.stringify(text)});\n//${"x".repeat(bytes)}\n`);
  const config = join(work, `${name}.json`);
  writeFileSync(config, JSON.stringify({ main, output: join(work, `${name}.blob`), disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false }));
  execFileSync(process.execPath, ["--experimental-sea-config", config], { stdio: "ignore" });
  return join(work, `${name}.blob`);
}

describe("injectSeaBlob", () => {
  it("runs postject once per Node binary and size class; the bytes do not depend on the template cache", async () => {
    let postjects = 0;
    const inject = (blob: string, output: string, templateDir: string) =>
      injectSeaBlob({
        nodeBinary: process.execPath,
        blob,
        output,
        templateDir,
        postjectId: POSTJECT_CLI,
        postject: async (target, resource) => {
          postjects++;
          await run(process.execPath, [POSTJECT_CLI, target, "NODE_SEA_BLOB", resource, "--sentinel-fuse", SEA_FUSE]);
        },
      });
    const first = join(work, "first");
    const second = join(work, "second");
    await inject(blobOf("one", "one\n", 1000), first, join(work, "templates-a"));
    await inject(blobOf("two", "two\n", 200_000), second, join(work, "templates-a"));
    expect(postjects).toBe(1);
    expect(execFileSync(first, { encoding: "utf8" })).toBe("one\n");
    expect(execFileSync(second, { encoding: "utf8" })).toBe("two\n");

    const again = join(work, "again");
    await inject(join(work, "one.blob"), again, join(work, "templates-b"));
    expect(postjects).toBe(2);
    expect(readFileSync(again).equals(readFileSync(first))).toBe(true);
  }, 120_000);
});

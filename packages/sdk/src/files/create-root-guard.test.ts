import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRootGuard } from "./create-root-guard.ts";

let base: string;
let root: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "loom-sdk-guard-")));
  root = join(base, "root");
  mkdirSync(join(root, "sub"), { recursive: true });
  writeFileSync(join(root, "sub", "in.txt"), "in");
  writeFileSync(join(base, "secret.txt"), "secret");
  mkdirSync(join(base, "outside"));
  writeFileSync(join(base, "outside", "x.txt"), "x");
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("createRootGuard", () => {
  it("allows real files and symlinks that stay inside the root", async () => {
    symlinkSync(join(root, "sub", "in.txt"), join(root, "link.txt"));
    const guard = createRootGuard(root);
    for (const path of [join(root, "sub", "in.txt"), join(root, "link.txt")]) {
      expect(await guard(path, statSync(path))).toBe(true);
    }
  });

  it("refuses symlinks to files or folders outside the root", async () => {
    symlinkSync(join(base, "secret.txt"), join(root, "secret.txt"));
    symlinkSync(join(base, "outside"), join(root, "out"));
    const guard = createRootGuard(root);
    for (const path of [join(root, "secret.txt"), join(root, "out", "x.txt")]) {
      expect(await guard(path, statSync(path))).toBe(false);
    }
  });

  it("refuses a sibling folder whose name starts with the root's", async () => {
    mkdirSync(`${root}-evil`);
    writeFileSync(join(`${root}-evil`, "a.txt"), "a");
    symlinkSync(join(`${root}-evil`, "a.txt"), join(root, "a.txt"));
    const guard = createRootGuard(root);
    expect(await guard(join(root, "a.txt"), statSync(join(root, "a.txt")))).toBe(false);
  });

  it("checks again when a verified path starts naming another file", async () => {
    const path = join(root, "swap.txt");
    writeFileSync(path, "inside");
    const guard = createRootGuard(root);
    expect(await guard(path, statSync(path))).toBe(true);
    rmSync(path);
    symlinkSync(join(base, "secret.txt"), path);
    expect(await guard(path, statSync(path))).toBe(false);
  });

  it("refuses a path that no longer exists", async () => {
    const path = join(root, "sub", "in.txt");
    const stats = statSync(path);
    rmSync(path);
    expect(await createRootGuard(root)(path, stats)).toBe(false);
  });
});

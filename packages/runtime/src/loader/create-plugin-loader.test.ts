import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isLoomError } from "@loom/protocol";
import { httpHandlers } from "@loom/sdk";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createRegistry } from "../registry.ts";
import { createPluginLoader } from "./create-plugin-loader.ts";
import { readPluginDirs, sha256Integrity } from "./read-plugin-dirs.ts";

const PYTHON_PLUGIN = fileURLToPath(new URL("../../../../examples/python-plugin", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "loom-loader-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A plugin dir with one copy of the Python example per entry, plugin.json changed by `edit`. */
function pluginDir(name: string, plugins: Record<string, (manifest: Record<string, unknown>) => unknown>): string {
  const dir = join(root, name);
  for (const [folder, edit] of Object.entries(plugins)) {
    const target = join(dir, folder);
    mkdirSync(target, { recursive: true });
    cpSync(PYTHON_PLUGIN, target, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(target, "plugin.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(target, "plugin.json"), JSON.stringify(edit(manifest)));
  }
  return dir;
}

const config = (handler: string) => ({ routes: [{ handle: { handler } }] });
const newLoader = () => createPluginLoader({ registry: createRegistry({ namespaces: [httpHandlers] }), logger: pino({ level: "silent" }) });

describe("readPluginDirs", () => {
  it("finds valid plugins and refuses each broken one with its file, field and fix", async () => {
    const dir = pluginDir("scan", {
      good: (m) => m,
      "bad-json": () => "not an object",
      "bad-hash": (m) => ({ ...m, files: { "plugin.py": sha256Integrity(new Uint8Array([1])) } }),
      missing: (m) => ({ ...m, files: { "gone.py": sha256Integrity(new Uint8Array()) } }),
      "unknown-key": (m) => ({ ...m, port: 1 }),
    });
    const scan = await readPluginDirs([dir, join(root, "nope")]);
    expect(scan.found.map((f) => f.manifest.name)).toEqual(["python-hello"]);
    expect(scan.missingDirs).toEqual([join(root, "nope")]);
    const byFolder = Object.fromEntries(scan.refused.map((r) => [r.folder.slice(dir.length + 1), r.diagnostics.map((d) => `${d.path}: ${d.message}`)]));
    expect(byFolder["bad-json"]).toEqual(["(root): Invalid input: expected object, received string"]);
    expect(byFolder["bad-hash"]?.[0]).toMatch(/^files\["plugin\.py"\]: plugin\.py does not match its hash in plugin\.json: expected sha256-/);
    expect(byFolder.missing?.[0]).toMatch(/^files\["gone\.py"\]: gone\.py is listed in plugin\.json but cannot be read: ENOENT/);
    expect(byFolder["unknown-key"]).toEqual(['(root): unknown key "port"']);
  });
});

describe("createPluginLoader", () => {
  it("starts only the plugins a config needs, reuses them on reload, stops them when no longer needed", async () => {
    const dir = pluginDir("lazy", { py: (m) => m, other: (m) => ({ ...m, name: "other", modules: ["http.handlers.other"] }) });
    await using loader = newLoader();
    await loader.prepare(config("py_hello"), [dir]);
    await loader.commit();
    expect(loader.registry.get("http.handlers.py_hello")?.plugin.name).toBe("python-hello");
    const [stats] = loader.stats();
    expect(loader.stats()).toHaveLength(1);
    expect(stats).toMatchObject({ plugin: "python-hello", state: "ready", placement: "subprocess" });
    await loader.prepare(config("py_hello"), [dir]);
    await loader.commit();
    expect(loader.stats()[0]?.pids).toEqual(stats?.pids);
    await loader.prepare(config("respond"), [dir]);
    await loader.commit();
    expect(loader.stats()).toEqual([]);
    expect(loader.registry.get("http.handlers.py_hello")).toBeUndefined();
  });

  it("refuses a plugin whose handshake announces other modules than its plugin.json", async () => {
    const dir = pluginDir("mismatch", { py: (m) => ({ ...m, modules: ["http.handlers.py_other"] }) });
    await using loader = newLoader();
    const error = await loader.prepare(config("py_other"), [dir]).catch((e: unknown) => e);
    await loader.rollback();
    expect(isLoomError(error) && error.diagnostics.map((d) => d.message)).toEqual([
      "its handshake announces modules [http.handlers.py_hello] but plugin.json declares [http.handlers.py_other]",
    ]);
    expect(loader.stats()).toEqual([]);
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLoomError } from "@loom/protocol";
import { httpHandlers } from "@loom/sdk";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createPluginLoader, createRegistry, parsePluginManifest, sha256Integrity } from "../../src/index.ts";
import { fixture } from "../subprocess/helpers.ts";

const root = mkdtempSync(join(tmpdir(), "loom-exec-manifest-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILES = ["exec-plugin.mjs", "plugin-kit.mjs"];

/** A plugin dir holding one exec plugin folder: the spec-only fixture, announcing `announced`, with plugin.json declaring `declared`. */
function execPluginDir(name: string, declared: string[], announced = declared, extra: Record<string, unknown> = {}): string {
  const dir = join(root, name);
  const folder = join(dir, "exec-echo");
  mkdirSync(folder, { recursive: true });
  const files: Record<string, string> = {};
  for (const file of FILES) {
    copyFileSync(fixture(file), join(folder, file));
    files[file] = sha256Integrity(readFileSync(join(folder, file)));
  }
  const manifest = {
    name: "exec-echo",
    version: "1.0.0",
    placement: "exec",
    command: process.execPath,
    args: ["./exec-plugin.mjs", `--modules=${announced.join(",")}`, "--name=exec-echo"],
    protocolVersions: [1],
    modules: declared,
    files,
    exec: { timeoutMs: 5_000 },
    ...extra,
  };
  writeFileSync(join(folder, "plugin.json"), JSON.stringify(manifest));
  return dir;
}

const base = { name: "p", version: "1.0.0", command: "./bin", protocolVersions: [1], modules: ["http.handlers.p"], files: { bin: `sha256-${"A".repeat(43)}=` } };
const problems = (value: unknown) => {
  try {
    parsePluginManifest(value, "/plugins/p/plugin.json");
  } catch (error) {
    if (isLoomError(error)) return error.diagnostics.map((d) => `${d.path}: ${d.message} [${d.hint}]`);
    throw error;
  }
  return [];
};
const newLoader = () => createPluginLoader({ registry: createRegistry({ namespaces: [httpHandlers] }), logger: pino({ level: "silent" }) });

describe("plugin.json: placement and exec", () => {
  it("defaults placement to subprocess and fills exec's defaults when placement is exec", () => {
    expect(parsePluginManifest(base, "plugin.json")).toMatchObject({ placement: "subprocess" });
    expect(parsePluginManifest({ ...base, placement: "exec", exec: {} }, "plugin.json")).toMatchObject({
      placement: "exec",
      exec: { timeoutMs: 10_000, maxConcurrent: 16, maxQueued: 256 },
    });
  });

  it("refuses settings of the other placement, an unknown placement and bad exec values, naming the field and the fix", () => {
    expect(problems({ ...base, exec: { timeoutMs: 100 } })).toEqual([
      'exec: "exec" is only valid with "placement": "exec", and this plugin\'s placement is "subprocess"; remove "exec" or set "placement": "exec" [fix exec in /plugins/p/plugin.json; see PluginManifestSchema in @loom/runtime]',
    ]);
    expect(problems({ ...base, placement: "exec", subprocess: { processes: 2 } })).toEqual([
      'subprocess: "subprocess" is only valid with "placement": "subprocess", and this plugin\'s placement is "exec"; remove "subprocess" or set "placement": "subprocess" [fix subprocess in /plugins/p/plugin.json; see PluginManifestSchema in @loom/runtime]',
    ]);
    expect(problems({ ...base, placement: "lambda" })).toEqual([
      'placement: Invalid option: expected one of "subprocess"|"exec" [fix placement in /plugins/p/plugin.json; see PluginManifestSchema in @loom/runtime]',
    ]);
    expect(problems({ ...base, placement: "exec", exec: { timeoutMs: 0, maxQueued: -1, processes: 2 } })).toEqual([
      "exec.timeoutMs: Too small: expected number to be >=1 [fix exec.timeoutMs in /plugins/p/plugin.json; see PluginManifestSchema in @loom/runtime]",
      "exec.maxQueued: Too small: expected number to be >=0 [fix exec.maxQueued in /plugins/p/plugin.json; see PluginManifestSchema in @loom/runtime]",
      'exec: unknown key "processes" [remove the key or fix its spelling; the JSON Schema lists the keys]',
    ]);
  });
});

describe("the loader runs exec plugins", () => {
  it("starts an exec plugin from its folder for a config that needs it and reports it as placement exec", async () => {
    const dir = execPluginDir("good", ["http.handlers.exec_echo"]);
    await using loader = newLoader();
    await loader.prepare({ routes: [{ handle: { handler: "exec_echo" } }] }, [dir]);
    await loader.commit();
    expect(loader.registry.get("http.handlers.exec_echo")?.plugin).toMatchObject({ name: "exec-echo", version: "1.0.0" });
    expect(loader.stats()).toEqual([expect.objectContaining({ plugin: "exec-echo", placement: "exec", state: "ready", pids: [], calls: 0 })]);
  });

  it("refuses an exec plugin whose handshake announces other modules than its plugin.json", async () => {
    const dir = execPluginDir("mismatch", ["http.handlers.exec_echo"], ["http.handlers.exec_echo", "http.handlers.exec_other"]);
    await using loader = newLoader();
    const error = await loader.prepare({ routes: [{ handle: { handler: "exec_echo" } }] }, [dir]).catch((e: unknown) => e);
    await loader.rollback();
    expect(isLoomError(error) && error.code).toBe("CONFIG_INVALID");
    expect(isLoomError(error) && error.diagnostics.map((d) => [d.plugin, d.message, d.hint])).toEqual([
      [
        "exec-echo",
        "its handshake announces modules [http.handlers.exec_echo, http.handlers.exec_other] but plugin.json declares [http.handlers.exec_echo]",
        `make "modules" in ${join(dir, "exec-echo", "plugin.json")} list exactly what the plugin provides`,
      ],
    ]);
    expect(loader.stats()).toEqual([]);
  });
});

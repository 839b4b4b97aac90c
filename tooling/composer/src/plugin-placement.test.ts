import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildDistribution } from "./build-distribution.ts";
import { loom } from "../test/capture-loom.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-placement-"));
// Plugins of this test's own, inside the workspace (so @loom/gateway resolves) in a folder git ignores.
const local = join(ROOT, ".loom-cache", `placement-test-${process.pid}`);
// The test's plugins import @loom/sdk from here.
mkdirSync(join(local, "node_modules", "@loom"), { recursive: true });
symlinkSync(join(ROOT, "packages", "sdk"), join(local, "node_modules", "@loom", "sdk"), "dir");
const children: ChildProcess[] = [];
// Plugin processes keep their V8 code cache here, not in ~/.cache/loom.
const codeCache = join(work, "cache");
afterAll(async () => {
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM"))) : undefined)));
  for (const dir of [work, local]) rmSync(dir, { recursive: true, force: true });
  for (const name of ["placement-bundle", "placement-exe", "placement-exec", "placement-empty", "placement-hazards", "placement-throws"]) rmSync(join(ROOT, ".loom-cache", name), { recursive: true, force: true });
});

/**
 * The runtime's own plugin.json guard. @loom/runtime is not a dependency of the composer (which may only
 * depend on protocol), so it is imported as the gateway, a devDependency, resolves it.
 */
async function runtimeParsePluginManifest(): Promise<(value: unknown, file: string) => { placement: string; command: string; args: string[]; modules: string[]; files: Record<string, string> }> {
  const entry = createRequire(join(ROOT, "apps", "gateway", "package.json")).resolve("@loom/runtime");
  return ((await import(entry)) as { parsePluginManifest: Awaited<ReturnType<typeof runtimeParsePluginManifest>> }).parsePluginManifest;
}

/** A plugin folder with an `http.handlers.placed` module answering its greeting and its process id; sources dated a minute ago. */
function writePlugin(greeting: string): string {
  const dir = join(local, "placed");
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "@loom/fixture-placed", version: "0.0.2", type: "module", exports: "./src/index.ts", peerDependencies: { "@loom/sdk": "^0.1.0" } }));
  writeFileSync(
    join(dir, "src", "index.ts"),
    `import { defineModule, definePlugin } from "@loom/sdk";
import * as z from "@loom/sdk/z";

const placed = defineModule({
  id: "http.handlers.placed",
  description: "Answers its greeting and the process id that served the call.",
  configSchema: z.object({}),
  create: () => ({
    handle: () => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ greeting: ${JSON.stringify(greeting)}, pid: process.pid }) }),
  }),
});

export const plugin = definePlugin({ name: "@loom/fixture-placed", version: "0.0.2", modules: [placed] });
`,
  );
  const past = new Date(Date.now() - 60_000);
  for (const file of [join(dir, "package.json"), join(dir, "src", "index.ts")]) utimesSync(file, past, past);
  return dir;
}

function writeManifest(name: string, body: object): string {
  const file = join(local, `${name}.json`);
  writeFileSync(file, JSON.stringify({ host: "@loom/gateway", ...body }, null, 2));
  const past = new Date(Date.now() - 60_000);
  utimesSync(file, past, past);
  return file;
}

const sha256 = (file: string) => `sha256-${createHash("sha256").update(readFileSync(file)).digest("base64")}`;

/** Starts `gateway run` (an executable, or `node <bundle>`) from an empty folder; resolves with its URLs once it listens (20 s at most). */
async function startGateway(command: string[], config: object): Promise<{ child: ChildProcess; url: string; adminUrl: string }> {
  const cwd = mkdtempSync(join(work, "run-"));
  writeFileSync(join(cwd, "gateway.json"), JSON.stringify(config));
  const env = { ...process.env, LOOM_CACHE_DIR: codeCache };
  const child = spawn(command[0]!, [...command.slice(1), "run", "--config", "gateway.json"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start in 20 s:\n${stderr}\n${stdout}`)), 20_000);
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`the gateway exited with ${code}:\n${stderr}\n${stdout}`))));
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /gateway listening on (http:\/\/\S+) \(admin API on (http:\/\/[^)\s]+)\)/.exec(stderr);
      if (found) {
        clearTimeout(timer);
        resolve({ child, url: found[1]!, adminUrl: found[2]! });
      }
    });
  });
}

const CONFIG = { listen: "127.0.0.1:0", admin: { listen: "127.0.0.1:0" }, routes: [{ handle: { handler: "placed" } }] };

describe("manifest placements", () => {
  it("name a bad placement by its field, with the allowed values", async () => {
    const file = writeManifest("bad-placement", { target: "bundle", plugins: [{ name: "@loom/plugin-static", placement: "inline" }] });
    const result = await loom(["build", file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${file} plugins.0.placement: Invalid option: expected one of "bundled"|"subprocess"|"exec"`);
  });
});

describe("plugins that cannot run out of process", () => {
  it("are refused: one without a module, and one whose code cannot be bundled, by plugin, file and line", async () => {
    const empty = join(local, "empty");
    mkdirSync(join(empty, "src"), { recursive: true });
    writeFileSync(join(empty, "package.json"), JSON.stringify({ name: "@loom/fixture-empty", version: "0.0.1", type: "module", exports: "./src/index.ts" }));
    writeFileSync(join(empty, "src", "index.ts"), 'import { definePlugin } from "@loom/sdk";\nexport const plugin = definePlugin({ name: "@loom/fixture-empty", version: "0.0.1", modules: [] });\n');
    const noModule = writeManifest("placement-empty", { target: "bundle", plugins: [{ path: "./empty", placement: "subprocess" }] });
    const empties = await loom(["check", noModule]);
    expect(empties.code).toBe(1);
    expect(empties.err).toContain(`${noModule} plugins.0.placement: provides no module, so there is nothing to run as "subprocess"`);

    const awaits = join(local, "awaits");
    mkdirSync(join(awaits, "src"), { recursive: true });
    writeFileSync(join(awaits, "package.json"), JSON.stringify({ name: "@loom/fixture-awaits", version: "0.0.1", type: "module", exports: "./src/index.ts" }));
    writeFileSync(
      join(awaits, "src", "index.ts"),
      'import { defineModule, definePlugin, z } from "@loom/sdk";\nconst greeting = await Promise.resolve("hi");\nconst awaits = defineModule({ id: "http.handlers.awaits", description: "d", configSchema: z.object({}), create: () => ({ handle: () => ({ status: 200, body: greeting }) }) });\nexport const plugin = definePlugin({ name: "@loom/fixture-awaits", version: "0.0.1", modules: [awaits] });\n',
    );
    const manifest = writeManifest("placement-hazards", { target: "bundle", plugins: [{ path: "./awaits", placement: "subprocess" }] });
    const refused = await loom(["check", manifest]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("plugins that cannot be bundled to run out of process:");
    expect(refused.err).toContain(`${join(awaits, "src", "index.ts")}:2: Top-level await is currently not supported with the "cjs" output format (plugin @loom/fixture-awaits)`);
    expect(refused.err).toContain("hint: a plugin run out of process is bundled too, into one CommonJS file (plugin.code.cjs)");
  });
});

describe("a bundled plugin that throws while it loads", () => {
  it("is named in the error (exit 1), not reported as a bug in Loom", async () => {
    const dir = join(local, "throws");
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "@loom/fixture-throws", version: "0.0.1", type: "module", exports: "./src/index.ts" }));
    writeFileSync(
      join(dir, "src", "index.ts"),
      'import { defineModule, definePlugin, z } from "@loom/sdk";\nif (process.env.LOOM_FIXTURE_THROW === "1") throw new Error("boom while loading");\nconst m = defineModule({ id: "http.handlers.throws", description: "d", configSchema: z.object({}), create: () => ({ handle: () => ({ status: 200 }) }) });\nexport const plugin = definePlugin({ name: "@loom/fixture-throws", version: "0.0.1", modules: [m] });\n',
    );
    const manifest = writeManifest("placement-throws", { target: "bundle", plugins: [{ path: "./throws" }] });
    const result = await buildDistribution(manifest, { outDir: join(work, "out-throws") });
    const run = spawnSync(process.execPath, [result.output, "list-modules"], { encoding: "utf8", env: { ...process.env, LOOM_FIXTURE_THROW: "1" } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: plugin @loom/fixture-throws failed to load: Error: boom while loading");
    expect(run.stderr).not.toContain("bug in Loom");
    const fine = spawnSync(process.execPath, [result.output, "list-modules"], { encoding: "utf8" });
    expect(fine.status).toBe(0);
    expect(fine.stdout).toContain("http.handlers.throws");
  });
});

describe("placement subprocess, target bundle", () => {
  const out = join(work, "out-bundle");
  const folder = join(out, "plugins.d", "placed");

  it("writes plugins.d/<plugin>/ with plugin.code.cjs, its starter plugin.cjs and a plugin.json the runtime accepts, and leaves the plugin out of the host's bundle", async () => {
    writePlugin("hello from the bundle's plugin");
    const manifest = writeManifest("placement-bundle", { target: "bundle", plugins: ["@loom/plugin-static", { path: "./placed", placement: "subprocess" }] });
    const result = await buildDistribution(manifest, { outDir: out });
    expect(result.pluginFolders).toEqual([folder]);
    const parse = await runtimeParsePluginManifest();
    const pluginJson = parse(JSON.parse(readFileSync(join(folder, "plugin.json"), "utf8")), join(folder, "plugin.json"));
    expect(pluginJson).toMatchObject({ name: "@loom/fixture-placed", version: "0.0.2", placement: "subprocess", command: "node", args: ["./plugin.cjs"], protocolVersions: [1], modules: ["http.handlers.placed"] });
    expect(pluginJson.files).toEqual({ "plugin.cjs": sha256(join(folder, "plugin.cjs")), "plugin.code.cjs": sha256(join(folder, "plugin.code.cjs")) });
    expect(readFileSync(join(folder, "plugin.cjs"), "utf8")).toContain('join(__dirname, "plugin.code.cjs")');

    const pluginCode = readFileSync(join(folder, "plugin.code.cjs"), "utf8");
    expect(pluginCode).toContain("hello from the bundle's plugin");
    // zod with English messages only (zodEnglishOnlyPlugin), in the plugin's bundle and the host's.
    for (const code of [pluginCode, readFileSync(result.output, "utf8")]) {
      expect(code).toMatch(/zod\/v4\/locales\/en\.js/);
      expect(code).not.toMatch(/zod\/v4\/locales\/de\.js/);
    }
    // zod imported as a namespace from @loom/sdk/z is tree-shaken: the parts the plugin does not use, such
    // as zod's JSON Schema importer and generator, are not in its bundle (they cost start-up time).
    expect(pluginCode).toMatch(/zod\/v4\/core\/schemas\.js/);
    expect(pluginCode).not.toMatch(/zod\/v4\/classic\/from-json-schema\.js|zod\/v4\/core\/json-schema-generator\.js/);
    expect(readFileSync(result.output, "utf8")).not.toContain("hello from the bundle's plugin");
    expect(readFileSync(result.output, "utf8")).toContain("http.handlers.static");
    expect(readFileSync(join(ROOT, ".loom-cache", "placement-bundle", "plugins", "placed", "entry.ts"), "utf8")).toMatch(/^\/\/ Generated by loom from a distribution manifest - do not edit\./);
    expect(result.buildInfo.plugins).toEqual([
      expect.objectContaining({ name: "@loom/plugin-static", placement: "bundled" }),
      { name: "@loom/fixture-placed", version: "0.0.2", placement: "subprocess", integrity: expect.stringMatching(/^sha256-[A-Za-z0-9+/]{43}=$/) },
    ]);
    const sbom = JSON.parse(readFileSync(result.sbom, "utf8")) as { components: { name: string }[] };
    expect(sbom.components.map((c) => c.name)).toEqual(expect.arrayContaining(["@loom/fixture-placed", "@loom/plugin-static", "@loom/sdk"]));
  });

  it("serves the plugin's module from a `node ./plugin.cjs` child of the bundle", async () => {
    const gateway = await startGateway([process.execPath, join(out, "gateway.cjs")], CONFIG);
    const response = await fetch(`${gateway.url}/`);
    const body = (await response.json()) as { greeting: string; pid: number };
    expect(body.greeting).toBe("hello from the bundle's plugin");
    expect(body.pid).not.toBe(gateway.child.pid);
    expect(readFileSync(`/proc/${body.pid}/cmdline`, "utf8").split("\0")).toEqual(["node", join(folder, "plugin.cjs"), ""]);
    await new Promise((resolve) => (gateway.child.once("exit", resolve), gateway.child.kill("SIGTERM")));
  });

  it("keeps the plugin's V8 code cache in LOOM_CACHE_DIR: written by the first start, reused by the next, replaced when V8 refuses it", async () => {
    const cacheDir = join(codeCache, "code-cache");
    const files = () => readdirSync(cacheDir).filter((name) => name.endsWith(".v8"));
    expect(files()).toHaveLength(1);
    const cacheFile = join(cacheDir, files()[0]!);
    const written = readFileSync(cacheFile);
    expect(written.length).toBeGreaterThan(10_000);
    const past = new Date(Date.now() - 60_000);
    utimesSync(cacheFile, past, past);
    const stamped = statSync(cacheFile).mtimeMs;

    const serveOnce = async () => {
      const gateway = await startGateway([process.execPath, join(out, "gateway.cjs")], CONFIG);
      const body = (await (await fetch(`${gateway.url}/`)).json()) as { greeting: string };
      expect(body.greeting).toBe("hello from the bundle's plugin");
      await new Promise((resolve) => (gateway.child.once("exit", resolve), gateway.child.kill("SIGTERM")));
    };
    await serveOnce();
    expect(statSync(cacheFile).mtimeMs).toBe(stamped);

    writeFileSync(cacheFile, "not a code cache");
    await serveOnce();
    const replaced = readFileSync(cacheFile);
    expect(replaced.toString("latin1")).not.toContain("not a code cache");
    expect(replaced.length).toBeGreaterThan(written.length / 2);
  });

  it("describes the placed plugin's module in `gateway schema` of the bundle, from the plugin's handshake", () => {
    const result = spawnSync(process.execPath, [join(out, "gateway.cjs"), "schema"], { encoding: "utf8", env: { ...process.env, LOOM_CACHE_DIR: codeCache }, timeout: 30_000 });
    expect([result.status, result.stderr]).toEqual([0, ""]);
    type Variant = { title: string; description: string; properties: Record<string, { const?: string }>; additionalProperties: unknown };
    const schema = JSON.parse(result.stdout) as { properties: { routes: { items: { properties: { handle: { anyOf: Variant[] } } } } } };
    const placed = schema.properties.routes.items.properties.handle.anyOf.find((v) => v.title === "http.handlers.placed")!;
    expect(placed.description).toBe("Answers its greeting and the process id that served the call.");
    expect(placed.properties.handler!.const).toBe("placed");
    expect(placed.additionalProperties).toBe(false);
  });

  it("gives the same plugin folder bytes at another output, skips an unchanged rebuild, and rebuilds a changed or missing plugin.code.cjs", async () => {
    const manifest = join(local, "placement-bundle.json");
    const other = join(work, "out-bundle-2");
    const again = await buildDistribution(manifest, { outDir: other });
    for (const name of ["plugin.code.cjs", "plugin.cjs", "plugin.json"]) expect(readFileSync(join(other, "plugins.d", "placed", name))).toEqual(readFileSync(join(folder, name)));

    expect((await buildDistribution(manifest, { outDir: other })).cached).toBe(true);
    rmSync(join(other, "plugins.d", "placed", "plugin.code.cjs"));
    expect((await buildDistribution(manifest, { outDir: other })).cached).toBe(false);
    expect(readFileSync(join(other, "plugins.d", "placed", "plugin.code.cjs"))).toEqual(readFileSync(join(folder, "plugin.code.cjs")));

    writePlugin("hello again");
    const changed = await buildDistribution(manifest, { outDir: other });
    expect(changed.cached).toBe(false);
    expect(readFileSync(join(other, "plugins.d", "placed", "plugin.code.cjs"), "utf8")).toContain("hello again");
    expect(changed.buildInfo.plugins[1]!.integrity).not.toBe(again.buildInfo.plugins[1]!.integrity);
  });

  it("removes the folder of a plugin that is bundled again", async () => {
    const manifest = writeManifest("placement-bundle", { target: "bundle", plugins: ["@loom/plugin-static", { path: "./placed" }] });
    const result = await buildDistribution(manifest, { outDir: out });
    expect(result.pluginFolders).toEqual([]);
    expect(existsSync(folder)).toBe(false);
    expect(readFileSync(result.output, "utf8")).toContain("http.handlers.placed");
  });
});

describe("placement subprocess, target executable", () => {
  it("runs the plugin as `<executable> __loom-serve-plugin ./plugin.cjs`, a child of the gateway that the admin API lists with its pid", async () => {
    writePlugin("hello from the executable's plugin");
    const manifest = writeManifest("placement-exe", { target: "executable", plugins: [{ path: "./placed", placement: "subprocess" }] });
    const out = join(work, "out-exe");
    const result = await buildDistribution(manifest, { outDir: out });
    const folder = join(out, "plugins.d", "placed");
    const pluginJson = (await runtimeParsePluginManifest())(JSON.parse(readFileSync(join(folder, "plugin.json"), "utf8")), join(folder, "plugin.json"));
    expect(pluginJson).toMatchObject({ placement: "subprocess", command: "../../gateway", args: ["__loom-serve-plugin", "./plugin.cjs"] });

    // The config names the executable's plugins.d too, as a config beside it does by default: no clash.
    const gateway = await startGateway([result.output], { ...CONFIG, plugins: { dirs: [join(out, "plugins.d")] } });
    const body = (await (await fetch(`${gateway.url}/`)).json()) as { greeting: string; pid: number };
    expect(body.greeting).toBe("hello from the executable's plugin");
    expect(readFileSync(`/proc/${body.pid}/cmdline`, "utf8").split("\0")).toEqual([result.output, "__loom-serve-plugin", join(folder, "plugin.cjs"), ""]);
    const parent = Number(readFileSync(`/proc/${body.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
    expect(parent).toBe(gateway.child.pid);
    const plugins = (await (await fetch(`${gateway.adminUrl}/plugins`)).json()) as { name: string; placement: string; pids?: number[] }[];
    expect(plugins.find((p) => p.name === "@loom/fixture-placed")).toMatchObject({ placement: "subprocess", pids: [body.pid] });
    gateway.child.kill("SIGTERM");
  });
});

describe("placement exec", () => {
  it('writes a plugin.json with placement "exec" that the runtime accepts, whose module answers each call from a process of its own', async () => {
    writePlugin("hello per call");
    const manifest = writeManifest("placement-exec", { target: "bundle", plugins: [{ path: "./placed", placement: "exec" }] });
    const out = join(work, "out-exec");
    const result = await buildDistribution(manifest, { outDir: out });
    const folder = join(out, "plugins.d", "placed");
    const pluginJson = (await runtimeParsePluginManifest())(JSON.parse(readFileSync(join(folder, "plugin.json"), "utf8")), join(folder, "plugin.json"));
    expect(pluginJson).toMatchObject({ placement: "exec", command: "node", args: ["./plugin.cjs"], modules: ["http.handlers.placed"] });
    expect(result.buildInfo.plugins).toEqual([expect.objectContaining({ name: "@loom/fixture-placed", placement: "exec" })]);

    // One process per call: two requests, two processes, neither of them the gateway.
    const gateway = await startGateway([process.execPath, result.output], CONFIG);
    const first = (await (await fetch(`${gateway.url}/`)).json()) as { greeting: string; pid: number };
    const second = (await (await fetch(`${gateway.url}/`)).json()) as { greeting: string; pid: number };
    expect([first.greeting, second.greeting]).toEqual(["hello per call", "hello per call"]);
    expect(new Set([first.pid, second.pid, gateway.child.pid]).size).toBe(3);
    gateway.child.kill("SIGTERM");
  });
});

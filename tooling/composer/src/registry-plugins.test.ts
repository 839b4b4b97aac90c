import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startVerdaccio } from "../test/start-verdaccio.ts";
import type { Verdaccio } from "../test/start-verdaccio.ts";
import { buildDistribution } from "./build-distribution.ts";
import { PluginLockSchema } from "./registry/plugin-lock.ts";
import type { PluginLock } from "./registry/plugin-lock.ts";
import { loom } from "../test/capture-loom.ts";

// Unique names and marker per run: the install cache under .loom-cache/registry/ outlives a run.
const ID = randomBytes(4).toString("hex");
const PLUGIN = `loom-test-plugin-${ID}`;
const DEP = `loom-test-dep-${ID}`;
const OLD_SDK = `loom-test-old-sdk-${ID}`;
const MODULE = `http.handlers.regtest_${ID}`;
const marker = (version: string) => `registry-marker-${ID}-v${version}`;
const depText = (version: string) => `dependency-text-${ID}-v${version}`;

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const INSTALLS = join(ROOT, ".loom-cache", "registry");
const work = mkdtempSync(join(tmpdir(), "loom-registry-"));
const empty = join(work, "empty");
mkdirSync(empty);
let registry: Verdaccio;
let unregisterTsx: (() => Promise<void>) | undefined;

function writePackage(name: string, version: string, files: Record<string, string>, pkg: object = {}): string {
  const dir = join(work, "packages", `${name}-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version, type: "module", exports: "./index.js", ...pkg }, null, 2));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const publishDep = (version: string) =>
  registry.publish(writePackage(DEP, version, { "index.js": `export function greeting() { return ${JSON.stringify(depText(version))}; }\n` }));

/** A plugin as its author would publish it: plain ESM, `@loom/sdk` a peer, one npm dependency of its own. */
const publishPlugin = (version: string, name = PLUGIN, sdkRange = "^0.1.0") =>
  registry.publish(
    writePackage(
      name,
      version,
      {
        "index.js": [
          'import { defineModule, definePlugin, textResponse, z } from "@loom/sdk";',
          `import { greeting } from ${JSON.stringify(DEP)};`,
          "",
          `export const plugin = definePlugin({`,
          `  name: ${JSON.stringify(name)},`,
          `  version: ${JSON.stringify(version)},`,
          `  modules: [`,
          `    defineModule({`,
          `      id: ${JSON.stringify(name === PLUGIN ? MODULE : `${MODULE}_old`)},`,
          `      description: ${JSON.stringify(marker(version))},`,
          "      configSchema: z.strictObject({}),",
          "      create: () => ({ handle: async () => textResponse(200, greeting()) }),",
          "    }),",
          "  ],",
          "});",
          "",
        ].join("\n"),
      },
      { peerDependencies: { "@loom/sdk": sdkRange }, dependencies: { [DEP]: "^1.0.0" } },
    ),
  );

const manifest = (name: string, plugins: unknown[]) => {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ host: "@loom/gateway", target: "bundle", plugins }, null, 2));
  return file;
};

const readLock = (name: string): PluginLock => PluginLockSchema.parse(JSON.parse(readFileSync(join(work, `${name}.lock`), "utf8")));

/** The install folders this run made (their package.json names this run's packages). */
const installsOf = (name: string) =>
  existsSync(INSTALLS)
    ? readdirSync(INSTALLS)
        .map((key) => join(INSTALLS, key))
        .filter((dir) => existsSync(join(dir, "package.json")) && readFileSync(join(dir, "package.json"), "utf8").includes(`"${name}"`))
    : [];

function runBundle(bundle: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [bundle, ...args], { cwd: empty, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}



beforeAll(async () => {
  // loom runs as `node --import tsx` (main.ts). Vitest loads files under node_modules, such as an
  // installed registry plugin, with Node's own loader, so register the same hooks: the plugin's
  // `@loom/sdk` is this workspace's TypeScript source, loaded as under the CLI.
  unregisterTsx = register();
  registry = await startVerdaccio();
  await publishDep("1.0.0");
  await publishPlugin("1.0.0");
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await unregisterTsx?.();
  for (const dir of [...installsOf(PLUGIN), ...installsOf(OLD_SDK)]) rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe("registry plugins", () => {
  const out = join(work, "out");
  const bundleFile = join(out, "gateway.cjs");

  it("builds a bundle with a registry plugin, its own dependency and the host's single @loom/sdk", async () => {
    const result = await buildDistribution(manifest("reg", [`${PLUGIN}@^1`]), { outDir: out, registry: registry.url });
    expect(result.output).toBe(bundleFile);
    const text = readFileSync(bundleFile, "utf8");
    expect(text).toContain(marker("1.0.0"));
    expect(text).toContain(depText("1.0.0"));
    // One copy of @loom/sdk and of @loom/protocol (its error-code table), both the host's.
    expect(text.match(/function definePlugin\d*\(/g)).toHaveLength(1);
    expect(text.split('REGISTRY_PACKAGE_INVALID: "REGISTRY_PACKAGE_INVALID"').length - 1).toBe(1);
    expect(text).toContain("// packages/sdk/src/plugin.ts");

    const modules = await runBundle(bundleFile, ["list-modules", "--json"]);
    expect(modules.code).toBe(0);
    expect(JSON.parse(modules.stdout)).toContainEqual(expect.objectContaining({ id: MODULE }));
    const info = JSON.parse((await runBundle(bundleFile, ["build-info", "--json"])).stdout) as { plugins: { name: string; version: string }[] };
    expect(info.plugins).toEqual([expect.objectContaining({ name: PLUGIN, version: "1.0.0", placement: "bundled" })]);
    // The integrity covers the plugin's own files: not the hash of nothing, though its folder is under node_modules.
    const nothing = `sha256-${createHash("sha256").digest("base64")}`;
    expect((info.plugins[0] as { integrity?: string }).integrity).toMatch(/^sha256-/);
    expect((info.plugins[0] as { integrity?: string }).integrity).not.toBe(nothing);

    const lock = readLock("reg");
    expect(lock.plugins).toEqual([
      { name: PLUGIN, range: "^1", version: "1.0.0", tarball: `${registry.url}${PLUGIN}/-/${PLUGIN}-1.0.0.tgz`, integrity: expect.stringMatching(/^sha512-/) },
    ]);
    expect(lock.packageLock.packages).toMatchObject({ [`node_modules/${DEP}`]: { version: "1.0.0" }, [`node_modules/${PLUGIN}`]: { version: "1.0.0" } });
    const sbom = JSON.parse(readFileSync(result.sbom, "utf8")) as { components: { name: string; version: string }[] };
    expect(sbom.components).toEqual(expect.arrayContaining([expect.objectContaining({ name: PLUGIN, version: "1.0.0" }), expect.objectContaining({ name: DEP, version: "1.0.0" })]));
  });

  it("keeps the locked versions when newer matching ones are published, reusing the install without npm", async () => {
    await publishDep("1.0.1");
    await publishPlugin("1.1.0");
    const [install] = installsOf(PLUGIN);
    const stamp = join(install!, "loom-install.json");
    const stampTime = statSync(stamp).mtimeMs;
    const lockText = readFileSync(join(work, "reg.lock"), "utf8");

    const again = await buildDistribution(join(work, "reg.json"), { outDir: out, registry: registry.url });
    expect(again.cached).toBe(true);
    expect(statSync(stamp).mtimeMs).toBe(stampTime);
    expect(readFileSync(join(work, "reg.lock"), "utf8")).toBe(lockText);
    expect(readFileSync(bundleFile, "utf8")).toContain(marker("1.0.0"));

    // Without the install folder, the lock's package-lock is installed as it is (npm ci): the
    // dependency stays at 1.0.0 although 1.0.1 now satisfies the plugin's ^1.0.0.
    rmSync(install!, { recursive: true, force: true });
    const reinstalled = await buildDistribution(join(work, "reg.json"), { outDir: out, registry: registry.url });
    expect(statSync(stamp).mtimeMs).not.toBe(stampTime);
    expect(JSON.parse(readFileSync(join(install!, "node_modules", DEP, "package.json"), "utf8")).version).toBe("1.0.0");
    const text = readFileSync(reinstalled.output, "utf8");
    expect(text).toContain(marker("1.0.0"));
    expect(text).toContain(depText("1.0.0"));
    expect(text).not.toContain(marker("1.1.0"));
    expect(readFileSync(join(work, "reg.lock"), "utf8")).toBe(lockText);
  });

  it("re-resolves and rewrites the lock when the range no longer admits the locked version", async () => {
    manifest("reg", [{ name: PLUGIN, version: "^1.1.0" }]);
    const result = await buildDistribution(join(work, "reg.json"), { outDir: out, registry: registry.url });
    expect(result.cached).toBe(false);
    expect(readFileSync(bundleFile, "utf8")).toContain(marker("1.1.0"));
    expect(readLock("reg").plugins).toEqual([expect.objectContaining({ name: PLUGIN, range: "^1.1.0", version: "1.1.0" })]);
    const modules = JSON.parse((await runBundle(bundleFile, ["list-modules", "--json"])).stdout) as { id: string; description?: string }[];
    expect(modules).toContainEqual(expect.objectContaining({ id: MODULE }));
  });

  it("checks a registry plugin from the CLI with --registry", async () => {
    const result = await loom(["check", manifest("cli", [`${PLUGIN}@~1.0.0`]), "--registry", registry.url, "--json"]);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)[0].plugins).toEqual([PLUGIN]);
    expect(readLock("cli").plugins).toEqual([expect.objectContaining({ version: "1.0.0", range: "~1.0.0" })]);
  });

  it("names the range and the published versions, and a package the registry does not have, all at once", async () => {
    const file = manifest("bad", [`${PLUGIN}@^2`, `loom-test-missing-${ID}@^1`]);
    const result = await loom(["build", file, "--registry", registry.url]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${file}: 2 problems:`);
    expect(result.err).toContain(`${file} plugins.0: no version of ${PLUGIN} in ${registry.url} satisfies ^2; published: 1.0.0, 1.1.0`);
    expect(result.err).toContain("hint: change the range in the manifest to one a published version satisfies");
    expect(result.err).toContain(`${file} plugins.1: loom-test-missing-${ID} is not in the registry ${registry.url} (404); check the package name`);
    expect(existsSync(join(work, "bad.lock"))).toBe(false);
  });

  it("names an unreachable registry (from LOOM_REGISTRY), the reason and the fix", async () => {
    const url = `http://127.0.0.1:${await freePort()}/`;
    const file = manifest("offline", [`${PLUGIN}@^1`]);
    const saved = process.env.LOOM_REGISTRY;
    process.env.LOOM_REGISTRY = url;
    try {
      const result = await loom(["build", file]);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`${file} plugins.0: registry ${url} cannot be reached (ECONNREFUSED) while looking up ${PLUGIN}`);
      expect(result.err).toContain("hint: pass --registry <url> or set LOOM_REGISTRY to a registry that answers");
    } finally {
      if (saved === undefined) delete process.env.LOOM_REGISTRY;
      else process.env.LOOM_REGISTRY = saved;
    }
  });

  it("applies the @loom/sdk peer range check to a registry plugin", async () => {
    await publishPlugin("1.0.0", OLD_SDK, "^9.0.0");
    const file = manifest("old-sdk", [`${OLD_SDK}@^1`]);
    const result = await loom(["check", file, "--registry", registry.url]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${file} plugins.0: needs @loom/sdk ^9.0.0, but this build has 0.1.0 (plugin ${OLD_SDK})`);
  });
});

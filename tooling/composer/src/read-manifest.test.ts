import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PackageJson } from "@loom/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { buildDistribution } from "./build-distribution.ts";
import { checkDistribution } from "./check-distribution.ts";
import { findDistributions } from "./find-distributions.ts";
import { readManifest } from "./read-manifest.ts";
import { loom } from "../test/capture-loom.ts";

const SCHEMA = fileURLToPath(new URL("../../../packages/protocol/distribution.schema.json", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-manifest-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const write = (relativePath: string, text: string) => {
  const file = join(work, relativePath);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
};


const TWIN_JSON = JSON.stringify(
  { $schema: SCHEMA, host: "@loom/gateway", target: "bundle", plugins: ["@loom/plugin-static", { name: "@loom/plugin-headers" }] },
  null,
  2,
);
const TWIN_YAML = `# yaml-language-server: $schema=${SCHEMA}
host: "@loom/gateway"
target: bundle
plugins:
  - "@loom/plugin-static"
  - name: '@loom/plugin-headers'
`;

describe("YAML manifests", () => {
  it("build the same bundle as their JSON twin, byte for byte but for the manifest hash", async () => {
    const fromJson = await buildDistribution(write("json/yaml-twin.json", TWIN_JSON), { outDir: join(work, "out-json") });
    const fromYaml = await buildDistribution(write("yaml/yaml-twin.yaml", TWIN_YAML), { outDir: join(work, "out-yaml") });
    expect(fromYaml.buildInfo).toEqual({ ...fromJson.buildInfo, manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(fromYaml.buildInfo.manifestSha256).not.toBe(fromJson.buildInfo.manifestSha256);
    expect(fromYaml.buildInfo.plugins.map((p) => p.name)).toEqual(["@loom/plugin-static", "@loom/plugin-headers"]);
    const yamlBundle = readFileSync(fromYaml.output, "utf8");
    expect(yamlBundle).toContain(fromYaml.buildInfo.manifestSha256);
    expect(yamlBundle.replaceAll(fromYaml.buildInfo.manifestSha256, fromJson.buildInfo.manifestSha256)).toBe(readFileSync(fromJson.output, "utf8"));
  });

  it("resolve the same plugins as JSON, under every accepted file name", async () => {
    const json = await checkDistribution(write("names/twin.distribution.json", TWIN_JSON));
    for (const name of ["twin.yaml", "twin.yml", "twin.distribution.yaml", "twin.distribution.yml"]) {
      const file = write(`names/${name}`, TWIN_YAML);
      expect((await readManifest(file)).name).toBe("twin");
      expect((await checkDistribution(file)).plugins).toEqual(json.plugins);
    }
  });

  it("name the line and column of a syntax error", async () => {
    const file = write("bad/syntax.yaml", 'host: "@loom/gateway"\nplugins: [ "@loom/plugin-static"\ntarget: bundle\n');
    const result = await loom(["build", file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`error: ${file} is not valid YAML:\n  - ${file}:3: column 1: Flow sequence in block collection must be sufficiently indented and end with a ]`);
  });

  it("refuse a duplicate key, naming it", async () => {
    const file = write("bad/dup.yaml", 'host: "@loom/gateway"\nplugins: []\ntarget: bundle\nplugins: ["@loom/plugin-static"]\n');
    const result = await loom(["build", file]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `error: ${file} is not valid YAML:\n  - ${file}:4: column 1: Map keys must be unique: "plugins" appears more than once\n` +
        "      hint: a key may appear once in a mapping: remove or merge the repeated one\n",
    );
  });

  it("refuse the other YAML pitfalls: an unquoted @, tabs, a second document, tags, an empty file, a dangling alias", async () => {
    const cases = {
      "at.yaml": "host: @loom/gateway\n",
      "tab.yaml": 'host: "@loom/gateway"\nplugins:\n\t- "@loom/plugin-static"\n',
      "two.yaml": 'host: "@loom/gateway"\n---\nhost: "@loom/gateway"\n',
      "tag.yaml": 'host: !!js/function "@loom/gateway"\n',
      "empty.yaml": "# nothing but a comment\n",
      "alias.yaml": "host: *nowhere\n",
    };
    const errors: Record<string, string> = {};
    for (const [name, text] of Object.entries(cases)) {
      const result = await loom(["check", write(`pitfalls/${name}`, text)]);
      expect(result.code).toBe(1);
      errors[name] = result.err.replaceAll(join(work, "pitfalls"), "<dir>");
    }
    expect(errors).toMatchInlineSnapshot(`
      {
        "alias.yaml": "error: <dir>/alias.yaml is not valid YAML:
        - <dir>/alias.yaml:1: column 7: Unresolved alias (the anchor must be set before the alias): nowhere
            hint: set the anchor &nowhere on a value before *nowhere, or write the value out
      ",
        "at.yaml": "error: <dir>/at.yaml is not valid YAML:
        - <dir>/at.yaml:1: column 7: Plain value cannot start with reserved character @
            hint: quote a value that starts with @, \` or another indicator, e.g. host: "@loom/gateway"
      ",
        "empty.yaml": "error: <dir>/empty.yaml is not valid YAML:
        - <dir>/empty.yaml:1: column 1: the file holds no YAML document
            hint: write a mapping such as host: "@loom/gateway"
      ",
        "tab.yaml": "error: <dir>/tab.yaml is not valid YAML:
        - <dir>/tab.yaml:3: column 1: Tabs are not allowed as indentation
            hint: indent with spaces, not tabs
      ",
        "tag.yaml": "error: <dir>/tag.yaml is not valid YAML:
        - <dir>/tag.yaml:1: column 7: Unresolved tag: tag:yaml.org,2002:js/function
            hint: a manifest holds plain strings, lists and mappings: remove the tag
      ",
        "two.yaml": "error: <dir>/two.yaml is not valid YAML:
        - <dir>/two.yaml:2: column 1: Source contains multiple documents; please use YAML.parseAllDocuments()
            hint: a manifest is one YAML document: remove the --- separator and what follows it
      ",
      }
    `);
  });

  it("give the same schema messages as JSON for wrong types and unknown keys", async () => {
    const json = await loom(["build", write("schema/keys.json", JSON.stringify({ host: "@loom/gateway", plugins: "all", targett: "bundle", version: 1.0 }))]);
    const yaml = await loom(["build", write("schema/keys.yaml", 'host: "@loom/gateway"\nplugins: all\ntargett: bundle\nversion: 1.0\n')]);
    expect(json.code).toBe(1);
    expect(yaml.code).toBe(1);
    expect(yaml.err.replaceAll("keys.yaml", "keys.json")).toBe(json.err);
    const file = join(work, "schema/keys.yaml");
    expect(yaml.err).toContain(`${file} (root): Unrecognized key: "targett"`);
    expect(yaml.err).toContain(`${file} plugins: Invalid input: expected array, received string`);
    expect(yaml.err).toContain(`${file} version: Invalid input: expected string, received number`);
  });
});

describe("distribution names", () => {
  it("refuses a name that .loom-cache/ keeps for what every distribution shares, naming the file and the fix", async () => {
    for (const name of ["registry.json", "sea-templates.distribution.yaml"]) {
      const file = write(`reserved/${name}`, TWIN_JSON);
      const base = name.replace(/(\.distribution)?\.(json|yaml)$/, "");
      await expect(readManifest(file)).rejects.toMatchObject({
        code: "CONFIG_INVALID",
        message: `${file}: a distribution cannot be named "${base}" (its manifest's file name): .loom-cache/${base}/ holds what every distribution shares; rename the manifest, e.g. to ${base}-build${name.slice(base.length)}`,
      });
    }
    expect((await readManifest(write("reserved/registry-build.json", TWIN_JSON))).name).toBe("registry-build");
  });
});

describe("findDistributions", () => {
  const host = (folder: string): Map<string, { dir: string; group: string; pkg: PackageJson }> =>
    new Map([["host", { dir: join(work, folder), group: "apps", pkg: { name: "host", version: "0.1.0", loom: { host: { distributions: "distributions" } } } as PackageJson }]]);

  it("finds JSON and YAML manifests and nothing else", async () => {
    for (const name of ["a.json", "b.yaml", "c.distribution.yml", "notes.md", "d.yaml.bak"]) write(`found/distributions/${name}`, "{}");
    const found = await findDistributions(host("found"));
    expect(found).toEqual(["a.json", "b.yaml", "c.distribution.yml"].map((name) => join(work, "found/distributions", name)));
  });

  it("refuses two manifests that define one distribution", async () => {
    for (const name of ["default.json", "default.yaml"]) write(`twins/distributions/${name}`, "{}");
    await expect(findDistributions(host("twins"))).rejects.toThrow(
      `${join(work, "twins/distributions")}: default.json and default.yaml both define distribution "default"; keep one of them`,
    );
  });
});

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";

interface SbomComponent {
  type: "library" | "platform";
  "bom-ref": string;
  name: string;
  version: string;
  purl: string;
  hashes: { alg: "SHA-256" | "SHA-512" | "SHA-1"; content: string }[];
}

/** The package folder a bundled file belongs to: the last node_modules/<name> in its path, or the nearest package.json. */
function packageDirOf(file: string, root: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at !== -1) {
    const rest = file.slice(at + marker.length).split(sep);
    const depth = rest[0]?.startsWith("@") ? 2 : 1;
    return file.slice(0, at + marker.length) + rest.slice(0, depth).join(sep);
  }
  for (let dir = dirname(file); dir.startsWith(root); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

const purlOf = (name: string, version: string) => `pkg:npm/${name.replace(/^@/, "%40")}@${version}`;

/** A Node runtime package as a CycloneDX "platform" (a runtime that executes the application), hashed by its tarball's integrity. */
function runtimeComponent(runtime: { name: string; version: string; integrity: string }): SbomComponent {
  const [alg, digest = ""] = runtime.integrity.split("-", 2);
  const purl = purlOf(runtime.name, runtime.version);
  const content = Buffer.from(digest, "base64").toString("hex");
  return { type: "platform", "bom-ref": purl, name: runtime.name, version: runtime.version, purl, hashes: [{ alg: alg === "sha1" ? "SHA-1" : "SHA-512", content }] };
}

/**
 * Writes a CycloneDX 1.5 SBOM listing every package with a file in the bundle: name, version, purl and
 * a SHA-256 over the package's bundled files (path and bytes, in path order). Deterministic: no serial
 * number, and a timestamp only with SOURCE_DATE_EPOCH. A pinned Node runtime the executable copies is
 * listed too, as a "platform" component.
 */
export async function writeSbom(options: {
  file: string;
  root: string;
  inputs: string[];
  application: { name: string; version: string };
  /** The Node runtime package of an executable with a pinned runtime. */
  runtime?: { name: string; version: string; integrity: string } | undefined;
}): Promise<number> {
  const byPackage = new Map<string, string[]>();
  for (const input of options.inputs) {
    const file = resolve(options.root, input);
    const dir = packageDirOf(file, options.root);
    if (!dir) continue;
    byPackage.set(dir, [...(byPackage.get(dir) ?? []), file]);
  }
  const components: SbomComponent[] = [];
  for (const [dir, files] of byPackage) {
    const { name, version = "0.0.0" } = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
    if (!name) continue;
    const hash = createHash("sha256");
    const sorted = files.sort();
    const contents = await Promise.all(sorted.map((file) => readFile(file)));
    for (const [i, file] of sorted.entries()) hash.update(relative(dir, file)).update("\0").update(contents[i]!).update("\0");
    const purl = purlOf(name, version);
    components.push({ type: "library", "bom-ref": purl, name, version, purl, hashes: [{ alg: "SHA-256", content: hash.digest("hex") }] });
  }
  if (options.runtime) components.push(runtimeComponent(options.runtime));
  components.sort((a, b) => a.purl.localeCompare(b.purl));
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const sbom = {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    version: 1,
    metadata: {
      ...(epoch ? { timestamp: new Date(Number(epoch) * 1000).toISOString() } : {}),
      tools: { components: [{ type: "application", name: "loom" }] },
      component: { type: "application", name: options.application.name, version: options.application.version },
    },
    components,
  };
  await writeFile(options.file, JSON.stringify(sbom, null, 2) + "\n");
  return components.length;
}

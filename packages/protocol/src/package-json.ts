import * as z from "zod";

/** The parts of a package.json that Loom reads: name, version, entry, peers, and a host's `loom.host`. */
export const PackageJsonSchema = z.looseObject({
  name: z.string(),
  version: z.string().default("0.0.0"),
  bin: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  exports: z.unknown().optional(),
  main: z.string().optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
  loom: z
    .looseObject({
      host: z.strictObject({
        entry: z.string().describe("The host's entry module, exporting main(build, argv)."),
        namespaces: z.array(z.string()).describe("The namespaces the host declares."),
        distributions: z.string().describe("The folder of the host's distribution manifests."),
      }),
    })
    .optional(),
});

export type PackageJson = z.infer<typeof PackageJsonSchema>;

/** The file a package's `exports["."]` (or its `default` condition, else `main`) points at. */
export function packageEntry(pkg: PackageJson): string {
  const root = typeof pkg.exports === "string" ? pkg.exports : (pkg.exports as Record<string, unknown> | undefined)?.["."];
  if (typeof root === "string") return root;
  if (root && typeof (root as { default?: unknown }).default === "string") return (root as { default: string }).default;
  return pkg.main ?? "src/index.ts";
}

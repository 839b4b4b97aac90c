import * as z from "zod";

/** Where a plugin's modules run: in the host's bundle, in supervised child processes, or one process per call. */
export const PlacementSchema = z
  .enum(["bundled", "subprocess", "exec"])
  .describe(
    'Where the plugin runs. "bundled" (default): compiled into the host\'s bundle, in the host process. ' +
      '"subprocess": built into <output>/plugins.d/<plugin>/ and run by the host as a supervised child process (protocol v1). ' +
      '"exec": built the same way, but the host starts one process per call.',
  );

export type Placement = z.infer<typeof PlacementSchema>;

export const PluginEntrySchema = z
  .strictObject({
    name: z.string().min(1).optional().describe("The plugin's package name (a workspace package, or one from the registry)."),
    version: z.string().min(1).optional().describe("A semver range to take from the registry, e.g. ^1.2.0."),
    path: z.string().min(1).optional().describe("A local plugin folder, relative to the manifest (like xcaddy's --replace)."),
    placement: PlacementSchema.default("bundled"),
  })
  .refine((entry) => entry.name !== undefined || entry.path !== undefined, {
    message: 'name a plugin with "name" (a package) or "path" (a local folder)',
  });

export const PluginRefSchema = z
  .union([
    z
      .string()
      .min(1)
      .describe('A workspace package name ("@loom/plugin-static"), a registry spec ("name@^1"), or a local folder ("./my-plugin").'),
    PluginEntrySchema,
  ])
  .describe("A plugin to include.");

export type PluginRef = z.infer<typeof PluginRefSchema>;

export const DistributionManifestSchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema for editors; ignored by the composer."),
    host: z.string().min(1).describe("The host package whose entry the build starts from, e.g. @loom/gateway."),
    version: z.string().min(1).optional().describe("The distribution's version; default: the host package's version."),
    plugins: z.array(PluginRefSchema).default([]).describe("The plugins of this distribution; none builds the bare host."),
    target: z
      .enum(["bundle", "executable"])
      .default("executable")
      .describe('"bundle": one JavaScript file; "executable": a single executable (Node SEA).'),
    node: z
      .string()
      .regex(/^(current|\d+\.\d+\.\d+)$/, 'write "current" or an exact version such as 22.23.3')
      .default("current")
      .describe('The Node runtime of the executable: "current" (the running Node) or an exact version from the registry.'),
    platform: z
      .enum(["linux-x64", "linux-arm64"])
      .optional()
      .describe("The executable's platform; default: this machine's."),
    output: z.string().min(1).optional().describe("Output folder, relative to the manifest; default: dist/<distribution>/."),
  })
  .describe("A Loom distribution: a host, a plugin set and a build target.");

export type DistributionManifest = z.output<typeof DistributionManifestSchema>;

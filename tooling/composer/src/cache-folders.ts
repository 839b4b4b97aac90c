/**
 * The folders of `<workspace>/.loom-cache/` that the composer shares between distributions. Every other
 * folder there is one distribution's own (`.loom-cache/<distribution>/`: its generated entry, bundles
 * and build stamp), so no distribution may be named like these (readManifest refuses it).
 */
export const SHARED_CACHE_FOLDERS = {
  /** Registry plugins, one install folder per locked plugin set. */
  registry: "registry",
  /** Node binaries prepared for postject, one per Node binary. */
  seaTemplates: "sea-templates",
} as const;

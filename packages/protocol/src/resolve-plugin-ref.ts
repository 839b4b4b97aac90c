import type { Placement, PluginRef } from "./distribution-manifest.ts";

/** A manifest's plugin reference in one form: a workspace package, a registry package, or a folder. */
export type ResolvedPluginRef =
  | { kind: "workspace"; name: string; placement: Placement }
  | { kind: "registry"; name: string; range: string; placement: Placement }
  | { kind: "folder"; path: string; placement: Placement };

const REGISTRY_SPEC = /^((?:@[^/@\s]+\/)?[^/@\s]+)@(.+)$/;

/**
 * Normalises a plugin reference: `"./x"` or `"/x"` is a folder, `"name@range"` a registry package,
 * any other string a workspace package; the object form says which by its keys.
 */
export function resolvePluginRef(ref: PluginRef): ResolvedPluginRef {
  if (typeof ref === "string") {
    if (ref.startsWith(".") || ref.startsWith("/")) return { kind: "folder", path: ref, placement: "bundled" };
    const spec = REGISTRY_SPEC.exec(ref);
    if (spec) return { kind: "registry", name: spec[1]!, range: spec[2]!, placement: "bundled" };
    return { kind: "workspace", name: ref, placement: "bundled" };
  }
  if (ref.path !== undefined) return { kind: "folder", path: ref.path, placement: ref.placement };
  if (ref.version !== undefined) return { kind: "registry", name: ref.name!, range: ref.version, placement: ref.placement };
  return { kind: "workspace", name: ref.name!, placement: ref.placement };
}

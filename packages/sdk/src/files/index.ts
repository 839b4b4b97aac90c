/**
 * `@loom/sdk/files`: Node-only helpers for plugins that serve files from a folder (static, markdown, …).
 * Kept out of the main entry, whose contract needs no Node API.
 */
export { folderRedirectLocation, resolveRequestPath } from "./resolve-request-path.ts";
export type { RequestPath } from "./resolve-request-path.ts";
export { createRootGuard, ROOT_GUARD_MAX_ENTRIES } from "./create-root-guard.ts";
export type { RootGuard } from "./create-root-guard.ts";
export { readRootFolder } from "./read-root-folder.ts";
export { statOrUndefined } from "./stat-or-undefined.ts";
export { findIndexFile } from "./find-index-file.ts";

export { buildDistribution } from "./build-distribution.ts";
export type { BuildResult } from "./build-distribution.ts";
export { generateEntry } from "./generate-entry.ts";
export type { BuildInfo } from "./generate-entry.ts";
export { runLoom } from "./run-loom.ts";

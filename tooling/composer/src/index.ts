export { buildDistribution } from "./build-distribution.ts";
export type { BuildOptions, BuildResult } from "./build-distribution.ts";
export { NO_PROGRESS, progressStep } from "./build-progress.ts";
export type { BuildProgress, ProgressStep } from "./build-progress.ts";
export { createProgressReporter } from "./progress-reporter.ts";
export type { ProgressOutput, ProgressReporter } from "./progress-reporter.ts";
export { generateEntry } from "./generate-entry.ts";
export type { BuildInfo } from "./generate-entry.ts";
export { runLoom } from "./run-loom.ts";

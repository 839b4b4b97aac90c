/** One step of a build, started by BuildProgress.step; call `done` when it has finished. */
export interface ProgressStep {
  /** Ends the step; `detail` is shown beside its time, e.g. "6 plugins" or "unchanged". */
  done(detail?: string): void;
}

/**
 * Where a build reports its steps (read manifest, resolve plugins, bundle, …). The CLI shows them on a
 * terminal with their times; a library caller may pass its own, or none. A step that throws is never
 * `done`: the error ends it.
 */
export interface BuildProgress {
  step(name: string): ProgressStep;
}

/** Reports nothing: the default when a caller passes no `progress`. */
export const NO_PROGRESS: BuildProgress = { step: () => ({ done: () => {} }) };

/**
 * Runs `work` as one reported step: `await progressStep(progress, "download node", () => fetchNode())`.
 * `detail` turns the result into the text shown beside the step's time.
 */
export async function progressStep<T>(progress: BuildProgress, name: string, work: () => Promise<T>, detail?: (result: T) => string | undefined): Promise<T> {
  const step = progress.step(name);
  const result = await work();
  step.done(detail?.(result));
  return result;
}

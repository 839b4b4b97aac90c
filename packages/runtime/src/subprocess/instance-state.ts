/** The lifecycle methods a remote instance maps to `call` frames (docs/protocol.md, "Instances"). */
export type LifecycleStep = "provision" | "validate" | "start" | "stop" | "cleanup";

export const LIFECYCLE_STEPS: readonly LifecycleStep[] = ["provision", "validate", "start", "stop", "cleanup"];

/** Where an instance is in its lifecycle: what a fresh process must replay to catch up. */
export interface InstanceState {
  provisioned: boolean;
  validated: boolean;
  started: boolean;
}

/** A module instance the host created: replayed into every process of the pool, restarts included. */
export interface InstanceRecord {
  readonly key: number;
  readonly module: string;
  readonly config: unknown;
  readonly path: string | undefined;
  /** The state every process should reach. */
  readonly want: InstanceState;
}

/** An instance inside one process: its id there and the steps it went through. */
export interface AppliedInstance extends InstanceState {
  readonly id: string;
}

export function initialState(): InstanceState {
  return { provisioned: false, validated: false, started: false };
}

/** Records the effect of a lifecycle step on a state. */
export function applyStep(state: InstanceState, step: LifecycleStep): void {
  if (step === "provision") state.provisioned = true;
  else if (step === "validate") state.validated = true;
  else if (step === "start") state.started = true;
  else if (step === "stop") state.started = false;
}

/** The steps that bring `have` to `want`, in order (cleanup is never replayed: it destroys). */
export function stepsToCatchUp(want: InstanceState, have: InstanceState): LifecycleStep[] {
  const steps: LifecycleStep[] = [];
  if (want.provisioned && !have.provisioned) steps.push("provision");
  if (want.validated && !have.validated) steps.push("validate");
  if (want.started !== have.started) steps.push(want.started ? "start" : "stop");
  return steps;
}

import { ErrorCode, LoomError } from "@loom/protocol";
import type { PluginProcess } from "./plugin-process.ts";
import type { AppliedInstance, InstanceRecord } from "./instance-state.ts";
import { applyStep, stepsToCatchUp } from "./instance-state.ts";

/** Passes over the instance table before giving up: each pass that changes something awaits calls. */
const MAX_SYNC_PASSES = 100;

/**
 * Brings a process's instances in line with the instance table: creates the missing ones and replays
 * their lifecycle (provision, validate, start), destroys those the table no longer has. Repeats until
 * a pass changes nothing, so records added while it awaited are caught up too. A failure throws (the
 * process then counts as failed to start).
 */
export async function syncInstances(
  process: PluginProcess,
  records: ReadonlyMap<number, InstanceRecord>,
  applied: Map<number, AppliedInstance>,
  lifecycleTimeoutMs: number,
): Promise<void> {
  const options = (what: string) => ({ deadlineAt: performance.now() + lifecycleTimeoutMs, what: `${process.label}: ${what}` });
  for (let pass = 0; pass < MAX_SYNC_PASSES; pass++) {
    let changed = false;
    for (const record of [...records.values()]) {
      let instance = applied.get(record.key);
      if (!instance) {
        const id = await process.connection.create(record.module, record.config, record.path, options(`re-create ${record.module}`));
        instance = { id, provisioned: false, validated: false, started: false };
        applied.set(record.key, instance);
        changed = true;
      }
      for (const step of stepsToCatchUp(record.want, instance)) {
        await process.connection.call(instance.id, step, [], options(`replay ${record.module} ${step}()`));
        applyStep(instance, step);
        changed = true;
      }
    }
    for (const [key, instance] of [...applied]) {
      if (records.has(key)) continue;
      applied.delete(key);
      await process.connection.destroy(instance.id, options(`destroy ${instance.id}`));
      changed = true;
    }
    if (!changed) return;
  }
  throw new LoomError(ErrorCode.INTERNAL, `${process.label}: instances still changing after ${MAX_SYNC_PASSES} passes`);
}

/** True when the process has every instance of the table, in its wanted state, and no other. */
export function instancesInSync(records: ReadonlyMap<number, InstanceRecord>, applied: ReadonlyMap<number, AppliedInstance>): boolean {
  if (records.size !== applied.size) return false;
  for (const record of records.values()) {
    const instance = applied.get(record.key);
    if (!instance || stepsToCatchUp(record.want, instance).length > 0) return false;
  }
  return true;
}

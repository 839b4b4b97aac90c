import { describe, expect, it } from "vitest";
import { DeadlineSweep } from "./deadline-sweep.ts";

/** Items with deadlines (Date.now() ms); the sweep ends those due and records when. */
function tracker() {
  const items = new Map<string, { deadline: number; endedAt?: number }>();
  const sweeps: number[] = [];
  const sweep = new DeadlineSweep(
    () => Date.now(),
    (now) => {
      sweeps.push(now);
      let next = Infinity;
      for (const item of items.values()) {
        if (item.endedAt !== undefined) continue;
        if (item.deadline <= now) item.endedAt = now;
        else next = Math.min(next, item.deadline);
      }
      return next;
    },
  );
  const add = (name: string, inMs: number) => {
    const deadline = Date.now() + inMs;
    items.set(name, { deadline });
    sweep.add(deadline);
  };
  return { items, sweeps, sweep, add };
}

/** setTimeout, typed here: @loom/protocol is typed without Node's or the DOM's globals. */
const sleep = (ms: number) => new Promise<void>((resolve) => (globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown }).setTimeout(resolve, ms));

const until = async (done: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await sleep(5);
};

describe("DeadlineSweep", () => {
  it("ends every item at or after its deadline, in any order of adding, with one sweep per due time", async () => {
    const { items, sweeps, add } = tracker();
    add("late", 60);
    add("early", 20);
    add("middle", 40);
    add("same-as-late", 60);
    await until(() => [...items.values()].every((item) => item.endedAt !== undefined), 2_000);
    for (const [name, item] of items) {
      expect(item.endedAt, name).toBeDefined();
      expect(item.endedAt!, name).toBeGreaterThanOrEqual(item.deadline);
      expect(item.endedAt! - item.deadline, name).toBeLessThan(500);
    }
    // Not a sweep per item: the two items due at 60 ms end in one; an early wake-up may add one more.
    expect(sweeps.length).toBeGreaterThanOrEqual(3);
    expect(sweeps.length).toBeLessThanOrEqual(5);
  });

  it("fires no more after stop", async () => {
    const { sweeps, sweep, add } = tracker();
    add("a", 10);
    sweep.stop();
    await sleep(60);
    expect(sweeps).toEqual([]);
  });
});

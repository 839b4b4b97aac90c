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
  // One base for every deadline: two items added "60 ms from now" get the same deadline even if the
  // clock ticks between the two adds.
  const base = Date.now();
  const add = (name: string, inMs: number) => {
    const deadline = base + inMs;
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
    // Not a sweep per item: the two items due at 60 ms end in the same one. A timer may wake a
    // millisecond early by Date.now() (that sweep ends nothing and re-arms): at most once per due time.
    expect(items.get("same-as-late")!.endedAt).toBe(items.get("late")!.endedAt);
    expect(new Set([...items.values()].map((item) => item.endedAt)).size).toBeLessThanOrEqual(3);
    expect(sweeps.length).toBeGreaterThanOrEqual(3);
    expect(sweeps.length).toBeLessThanOrEqual(6);
  });

  it("fires no more after stop", async () => {
    const { sweeps, sweep, add } = tracker();
    add("a", 10);
    sweep.stop();
    await sleep(60);
    expect(sweeps).toEqual([]);
  });
});

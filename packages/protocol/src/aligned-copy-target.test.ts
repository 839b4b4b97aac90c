import { describe, expect, it } from "vitest";
import { alignedCopyTarget, alignmentOf } from "./aligned-copy-target.ts";

describe("alignedCopyTarget", () => {
  it("gives a zeroed view of the length asked for, as far into its 16-byte line as the source byte", () => {
    const backing = new Uint8Array(64).fill(9);
    for (let offset = 0; offset < 16; offset++) {
      const source = backing.subarray(offset);
      for (const at of [0, 1, 4, 13, 17]) {
        const target = alignedCopyTarget(source, at, 100);
        expect([target.length, alignmentOf(target, 0), target.every((b) => b === 0)]).toEqual([100, (offset + at) % 16, true]);
      }
    }
  });

  it("allocates no padding for an aligned source", () => {
    const target = alignedCopyTarget(new Uint8Array(32), 16, 50);
    expect([target.byteOffset, target.buffer.byteLength]).toEqual([0, 50]);
  });
});

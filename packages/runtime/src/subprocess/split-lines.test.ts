import { describe, expect, it } from "vitest";
import { createLineSplitter } from "./split-lines.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function split(chunks: string[], max = 16) {
  const lines: [string, boolean][] = [];
  const splitter = createLineSplitter(max, (line, truncated) => lines.push([new TextDecoder().decode(line), truncated]));
  for (const chunk of chunks) splitter.push(bytes(chunk));
  splitter.end();
  return lines;
}

describe("createLineSplitter", () => {
  it("splits at \\n across chunks, drops a trailing \\r, flushes the last line at end", () => {
    expect(split(["a\nb", "c\r\n", "", "\nlast"])).toEqual([
      ["a", false],
      ["bc", false],
      ["", false],
      ["last", false],
    ]);
  });

  it("cuts a long line at the limit and skips the rest of it, in one chunk or many", () => {
    const long = "x".repeat(40);
    expect(split([`${long}\nnext\n`])).toEqual([
      ["x".repeat(16), true],
      ["next", false],
    ]);
    expect(split(["x".repeat(10), "x".repeat(10), "x".repeat(10), "\nnext\n"])).toEqual([
      ["x".repeat(16), true],
      ["next", false],
    ]);
  });

  it("keeps a line of exactly the limit whole", () => {
    expect(split(["y".repeat(8), "y".repeat(8), "\n"])).toEqual([["y".repeat(16), false]]);
  });
});

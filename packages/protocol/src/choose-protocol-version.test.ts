import { describe, expect, it } from "vitest";
import { chooseProtocolVersion } from "./choose-protocol-version.ts";

describe("chooseProtocolVersion", () => {
  it("picks the highest version both sides speak", () => {
    expect(chooseProtocolVersion([1, 2, 3], [2, 1])).toBe(2);
    expect(chooseProtocolVersion([1], [1])).toBe(1);
  });

  it("fails with PROTOCOL_VERSION_MISMATCH naming both lists", () => {
    expect(() => chooseProtocolVersion([2, 3], [1])).toThrow(
      expect.objectContaining({ code: "PROTOCOL_VERSION_MISMATCH", message: "no common protocol version: the host speaks 2, 3, the plugin speaks 1" }),
    );
    expect(() => chooseProtocolVersion([1], [])).toThrow("the plugin speaks none");
  });
});

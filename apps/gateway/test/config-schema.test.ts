import { runGatewayCli } from "@loom/testkit";
import { describe, expect, it } from "vitest";

describe("config.schema.json", () => {
  it("is the schema the default build generates (run `pnpm --filter @loom/gateway schema` after changing a config)", async () => {
    const result = await runGatewayCli(["schema"]);
    expect(result.code).toBe(0);
    await expect(result.stdout).toMatchFileSnapshot("../config.schema.json");
  });
});

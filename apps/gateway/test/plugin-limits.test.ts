import { fileURLToPath } from "node:url";
import { runGatewayCli, startGateway } from "@loom/testkit";
import type { StartedGateway } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./fixtures.ts";
import { adminPlugins, waitGone } from "./plugin-processes.ts";

/** node-hello/: a Node plugin run by @loom/sdk/serve; its plugin.json sets no `subprocess`. */
const NODE_PLUGINS = fileURLToPath(new URL("./fixtures/plugins.d", import.meta.url));
const routes = [{ handle: { handler: "node_hello" } }];

const tmp = tempDir();
afterAll(() => tmp.remove());

const pidsOf = async (gw: StartedGateway): Promise<number[]> => (await adminPlugins(gw)).find((row) => row.name === "node-hello")?.pids ?? [];

describe("plugins.limits", () => {
  it("sets a plugin's pool size over its plugin.json; a reload with other limits restarts it, one with the same keeps it", async () => {
    const config = (limits: Record<string, unknown>) => ({ admin: { listen: "127.0.0.1:0" }, plugins: { limits }, routes });
    const gw = await startGateway({ config: config({ "node-hello": { processes: 2 }, "not-installed": { processes: 3 } }), args: ["--plugin-dir", NODE_PLUGINS] });
    try {
      const warning = await gw.waitForLog((line) => String(line.msg).startsWith("limits are set for a plugin no plugin dir provides"));
      expect(warning).toMatchObject({ level: 40, plugin: "not-installed" });
      const two = await pidsOf(gw);
      expect(two).toHaveLength(2);
      for (let i = 0; i < 4; i++) expect((await fetch(`${gw.url}/x/${i}`)).status).toBe(200);

      const load = (limits: Record<string, unknown>) =>
        fetch(`${gw.adminUrl}/load`, { method: "POST", body: JSON.stringify({ ...config(limits), listen: new URL(gw.url).host, admin: { listen: new URL(gw.adminUrl!).host } }) });
      expect((await load({ "node-hello": { processes: 2 } })).status).toBe(200);
      expect(await pidsOf(gw)).toEqual(two);

      expect((await load({ "node-hello": { processes: 1, callTimeoutMs: 5_000 } })).status).toBe(200);
      const one = await pidsOf(gw);
      expect(one).toHaveLength(1);
      expect(two).not.toContain(one[0]);
      expect(await waitGone(two)).toEqual([]);
      expect((await fetch(`${gw.url}/y`)).status).toBe(200);
    } finally {
      expect(await gw.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    }
  });

  it("refuses a bad limit in `validate`, naming the field and the fix", async () => {
    const file = tmp.write("bad-limits.json", JSON.stringify({ plugins: { limits: { "node-hello": { processes: 0, timeoutMs: 5 } } }, routes }));
    const result = await runGatewayCli(["validate", "--config", file, "--plugin-dir", NODE_PLUGINS]);
    expect(result.code).toBe(1);
    expect(result.stderr.replaceAll(file, "F")).toMatchInlineSnapshot(`
      "F: 2 problems
        - F plugins.limits.node-hello.processes: Too small: expected number to be >=1
            hint: set a value in the range the message gives (\`gateway schema\` lists every limit), or remove the key to keep the plugin's own value from its plugin.json
        - F plugins.limits.node-hello: unknown key "timeoutMs"
            hint: remove the key or fix its spelling; the JSON Schema lists the keys
      "
    `);
  });
});

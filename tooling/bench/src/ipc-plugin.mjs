// The Loom side of `pnpm bench ipc`: a subprocess plugin with one module whose `echo` method returns its
// argument. bench-ipc.ts bundles it with esbuild once (to a .cjs) so it starts under plain node.
import { defineModule, definePlugin } from "../../../packages/sdk/src/index.ts";
import * as z from "../../../packages/sdk/src/z.ts";
import { serve } from "../../../packages/sdk/src/serve/index.ts";

const echo = defineModule({
  id: "bench.ipc.echo",
  configSchema: z.object({}),
  create: () => ({
    echo: (value) => value,
    pid: () => process.pid,
  }),
});

serve(definePlugin({ name: "@loom/bench-ipc", version: "0.0.0", modules: [echo] }), {
  namespaces: { "bench.ipc": { methods: ["echo", "pid"] } },
});

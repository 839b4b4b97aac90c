import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface PluginWorkspace {
  dir: string;
  /** A manifest (target `bundle` or `executable`) with the first `count` plugins, by folder. */
  manifest(name: string, count: number, target: "bundle" | "executable"): string;
  remove(): void;
}

const pad = (i: number) => String(i).padStart(2, "0");

/**
 * Writes `count` small plugin packages (each one module, a zod config and a handler, in two files) under
 * `<repo>/.loom-cache/<name>/plugins/` - inside the repository, so that the composer finds the workspace
 * (and the gateway) from there; in a folder git ignores. `node_modules/@loom/sdk` links to the repo's
 * SDK, as pnpm links it for a workspace plugin: the bundle holds one copy of it, the host's.
 */
export function createPluginWorkspace(repo: string, name: string, count: number): PluginWorkspace {
  const dir = join(repo, ".loom-cache", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules", "@loom"), { recursive: true });
  symlinkSync(join(repo, "packages", "sdk"), join(dir, "node_modules", "@loom", "sdk"), "dir");
  for (let i = 1; i <= count; i++) {
    const src = join(dir, "plugins", `p${pad(i)}`, "src");
    mkdirSync(src, { recursive: true });
    const pkg = { name: `@bench/plugin-${pad(i)}`, version: "1.0.0", type: "module", sideEffects: false, exports: { ".": "./src/index.ts" }, peerDependencies: { "@loom/sdk": "^0.1.0" } };
    writeFileSync(join(src, "..", "package.json"), JSON.stringify(pkg, null, 2) + "\n");
    writeFileSync(
      join(src, "greet-module.ts"),
      `import { defineModule, textResponse } from "@loom/sdk";
import * as z from "@loom/sdk/z";

/** \`http.handlers.greet_${pad(i)}\`: answers with a greeting. */
export const greetModule = defineModule({
  id: "http.handlers.greet_${pad(i)}",
  description: "Greets the caller (benchmark plugin ${pad(i)}).",
  configSchema: z.strictObject({
    greeting: z.string().default("hello").describe("The greeting."),
    status: z.number().int().min(200).max(299).default(200).describe("Status code."),
  }),
  create(config) {
    return { handle: (request) => textResponse(config.status, \`\${config.greeting} from ${pad(i)}: \${request.url}\\n\`) };
  },
});
`,
    );
    writeFileSync(
      join(src, "index.ts"),
      `import { definePlugin } from "@loom/sdk";
import { greetModule } from "./greet-module.ts";

export const plugin = definePlugin({ name: "@bench/plugin-${pad(i)}", version: "1.0.0", modules: [greetModule] });
`,
    );
  }
  return {
    dir,
    manifest(manifestName, plugins, target) {
      const file = join(dir, `${manifestName}.json`);
      const refs = Array.from({ length: plugins }, (_, i) => `./plugins/p${pad(i + 1)}`);
      writeFileSync(file, JSON.stringify({ host: "@loom/gateway", plugins: refs, target }, null, 2) + "\n");
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

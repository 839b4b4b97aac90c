// Shared ESLint flat config for every Loom package (run per package by turbo's `lint` task).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const NODE_BUILTINS = ["fs", "fs/promises", "path", "http", "https", "child_process", "os", "net", "crypto", "stream", "worker_threads", "util", "events"];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "**/.vitest/**", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // The leaf package runs anywhere: no Node imports.
    // The SDK's contract must not need Node either: it is what third-party plugins build against.
    files: ["packages/protocol/src/**/*.ts", "packages/sdk/src/**/*.ts"],
    ignores: ["**/*.test.ts", "packages/sdk/src/files/**", "packages/sdk/src/serve/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: NODE_BUILTINS.map((name) => ({ name, message: "protocol and sdk import no Node module" })),
          patterns: [{ group: ["node:*"], message: "protocol and sdk import no Node module" }],
        },
      ],
    },
  },
  {
    // A plugin depends on @loom/sdk only: never on the runtime, a host or another plugin.
    files: ["plugins/*/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@loom/runtime", "@loom/gateway", "@loom/protocol", "@loom/plugin-*"], message: "a plugin imports @loom/sdk only" }] },
      ],
    },
  },
  {
    // zod as a namespace import, or bundles hold all of it: esbuild cannot tree-shake a namespace taken as a
    // value (evanw/esbuild#1420), and a subprocess plugin pays for every byte at each start.
    files: ["**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ImportDeclaration[importKind!='type'][source.value=/^(zod|@loom\\/sdk)$/] > ImportSpecifier[imported.name='z']",
          message: 'import zod as a namespace: `import * as z from "zod"` (or "@loom/sdk/z" in a plugin), so bundles keep only the parts they use',
        },
      ],
    },
  },
  {
    // Tests, fixtures and tools may print.
    files: ["**/*.test.ts", "**/test/**/*.ts", "tooling/bench/**/*.ts"],
    rules: { "no-console": "off" },
  },
);

import { defineConfig } from "vitest/config";

/**
 * Every package's tests in one vitest, for watch mode (`pnpm exec vitest`). CI and `npm test` run each
 * package's own `test` task through turbo instead, so results are cached per package.
 */
export default defineConfig({
  test: {
    projects: ["packages/*", "plugins/*", "apps/*", "tooling/testkit"],
  },
});

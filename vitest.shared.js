/** Test settings every package shares: a JSON report turbo caches and .ci/run counts. */
export const sharedTestConfig = {
    reporters: ["default", ["json", { outputFile: ".vitest/report.json" }]],
    testTimeout: 20_000,
    hookTimeout: 20_000,
};
//# sourceMappingURL=vitest.shared.js.map
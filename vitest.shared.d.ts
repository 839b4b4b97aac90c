/** Test settings every package shares: a JSON report turbo caches and .ci/run counts. */
export declare const sharedTestConfig: {
    reporters: ["default", ["json", {
        outputFile: string;
    }]];
    testTimeout: number;
    hookTimeout: number;
};

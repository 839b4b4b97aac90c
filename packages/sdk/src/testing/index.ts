/** `@loom/sdk/testing`: real (not mocked) contexts and request values for a plugin's unit tests. */
export { createTestContext, noopLogger } from "./create-test-context.ts";
export { createTestRequest } from "./create-test-request.ts";

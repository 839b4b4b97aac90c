import { definePlugin } from "@loom/sdk";
import { basicAuth } from "./basic-auth.ts";

export { basicAuth, BasicAuthAccountSchema, BasicAuthConfigSchema } from "./basic-auth.ts";
export type { BasicAuthAccount, BasicAuthConfig } from "./basic-auth.ts";
export { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword } from "./password-hash.ts";
export type { ScryptCost } from "./password-hash.ts";

/** `@loom/plugin-basic-auth`: the `http.middleware.basic_auth` module. */
export const plugin = definePlugin({
  name: "@loom/plugin-basic-auth",
  version: "0.1.0",
  description: "HTTP Basic authentication middleware with scrypt-hashed passwords and constant-time comparison.",
  modules: [basicAuth],
});

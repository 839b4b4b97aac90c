import { defineModule, headerValue, textResponse } from "@loom/sdk";
import * as z from "@loom/sdk/z";
import type { HttpRequest, HttpResponse } from "@loom/sdk";
import { createAuthenticator } from "./create-authenticator.ts";
import { HASH_HINT, parsePasswordHash } from "./password-hash.ts";
import { parseBasicAuthorization } from "./parse-basic-authorization.ts";

/** A realm goes inside a quoted string of a header: printable ASCII without `"` or `\`. */
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

export const BasicAuthAccountSchema = z.strictObject({
  username: z
    .string()
    .min(1, "username must not be empty")
    .refine((name) => !name.includes(":"), "username must not contain ':' (Basic credentials split on the first colon)")
    .describe("The user name the client sends (UTF-8; compared after NFC normalisation)."),
  password: z
    .string()
    .superRefine((text, issue) => {
      const parsed = parsePasswordHash(text);
      if (typeof parsed === "string") issue.addIssue({ code: "custom", message: `invalid password hash: ${parsed}; ${HASH_HINT}` });
    })
    .describe("The password's scrypt hash, `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`, as printed by loom-hash-password."),
});

export type BasicAuthAccount = z.infer<typeof BasicAuthAccountSchema>;

export const BasicAuthConfigSchema = z.strictObject({
  realm: z
    .string()
    .regex(REALM, 'realm must be printable ASCII without " or \\')
    .default("restricted")
    .describe("The protection space named in the WWW-Authenticate challenge."),
  accounts: z
    .array(BasicAuthAccountSchema)
    .min(1, "accounts must list at least one account")
    .superRefine((accounts, issue) => {
      const seen = new Set<string>();
      accounts.forEach((account, index) => {
        const name = account.username.normalize("NFC");
        if (seen.has(name)) issue.addIssue({ code: "custom", path: [index, "username"], message: `duplicate username "${name}"` });
        seen.add(name);
      });
    })
    .describe("The accounts allowed in: user names with scrypt password hashes."),
  keepAuthorization: z
    .boolean()
    .default(false)
    .describe("Pass the Authorization header on to the next handler; by default it is removed so upstreams never see the password."),
  cacheSize: z
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe(
      "How many verified credentials to remember (LRU) so repeat requests skip scrypt; 0 verifies every request. " +
        "Cached entries are keyed HMACs held in memory until evicted or the config reloads.",
    ),
});

export type BasicAuthConfig = z.infer<typeof BasicAuthConfigSchema>;

/**
 * `http.middleware.basic_auth`: HTTP Basic authentication (RFC 7617) against scrypt-hashed passwords.
 * Missing, malformed or wrong credentials get 401 with a `WWW-Authenticate` challenge and the chain
 * stops; good ones pass the request on unchanged except for the removed Authorization header.
 */
export const basicAuth = defineModule({
  id: "http.middleware.basic_auth",
  description: "HTTP Basic authentication against scrypt-hashed passwords.",
  configSchema: BasicAuthConfigSchema,
  create(config, ctx) {
    const authenticator = createAuthenticator(config.accounts, { cacheSize: config.cacheSize });
    const challenge: HttpResponse = textResponse(401, "Unauthorized\n", {
      "www-authenticate": `Basic realm="${config.realm}", charset="UTF-8"`,
    });
    const deny = (request: HttpRequest, reason: string): HttpResponse => {
      ctx.logger.debug({ request: request.id, reason }, "basic auth rejected");
      return { ...challenge, headers: { ...challenge.headers } };
    };

    return {
      provision: () => authenticator.prepare(),
      async handle(request, next) {
        const header = headerValue(request.headers, "authorization");
        if (header === undefined) return deny(request, "no credentials");
        const credentials = parseBasicAuthorization(header);
        if (!credentials) return deny(request, "malformed credentials");
        if (!(await authenticator.authenticate(credentials.username, credentials.password))) {
          return deny(request, "wrong credentials");
        }
        if (config.keepAuthorization) return next(request);
        const { authorization: _removed, ...headers } = request.headers;
        return next({ ...request, headers });
      },
    };
  },
});

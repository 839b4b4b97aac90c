/** Credentials carried by an `Authorization: Basic ...` header. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

const BASIC = /^basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes an `Authorization: Basic <base64(user:password)>` header (RFC 7617, UTF-8). Returns undefined
 * for a missing header, another scheme, malformed base64, invalid UTF-8 or a missing colon: the caller
 * answers all of these with 401, never 500.
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) return undefined;
  const token = BASIC.exec(header)?.[1];
  if (token === undefined) return undefined;
  const unpadded = token.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return undefined;
  const bytes = Buffer.from(token, "base64");
  if (bytes.toString("base64").replace(/=+$/, "") !== unpadded) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

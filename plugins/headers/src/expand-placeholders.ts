import { headerValue } from "@loom/sdk";
import type { HttpRequest } from "@loom/sdk";

/** The placeholders a header value may use, with what each stands for. */
export const PLACEHOLDERS = {
  "http.request.host": "the request's Host header without the port",
  "http.request.method": "the request method, e.g. GET",
  "http.request.uri": "the request target as received: path and query",
  "http.request.remote": "the client's IP address (no port)",
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

/** `{http.…}` tokens; braces around anything else are left alone. */
const PLACEHOLDER = /\{(http\.[A-Za-z0-9_.-]*)\}/g;

function isPlaceholderName(name: string): name is PlaceholderName {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/** The `{http.…}` placeholders in `template` that are not known, for config errors. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => !isPlaceholderName(name));
}

/** A Host header value without its port: "a.test:8080" -> "a.test", "[::1]:80" -> "[::1]". */
function hostWithoutPort(host: string): string {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/** Replaces the known placeholders in `template` with values from `request`. */
export function expandPlaceholders(template: string, request: HttpRequest): string {
  if (!template.includes("{")) return template;
  return template.replace(PLACEHOLDER, (token, name: string) => {
    if (!isPlaceholderName(name)) return token;
    switch (name) {
      case "http.request.host":
        return hostWithoutPort(headerValue(request.headers, "host") ?? "");
      case "http.request.method":
        return request.method;
      case "http.request.uri":
        return request.url;
      case "http.request.remote":
        return request.remoteAddress;
    }
  });
}

import type { HttpRequest } from "@loom/sdk";
import type { Match } from "../config/route-schema.ts";

/** A compiled matcher: true when the request is one the route takes. */
export type RequestMatcher = (request: HttpRequest, path: string) => boolean;

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (const char of glob) {
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

function hostMatcher(pattern: string): (host: string) => boolean {
  const lower = pattern.toLowerCase();
  if (!lower.startsWith("*.")) return (host) => host === lower;
  const suffix = lower.slice(1);
  return (host) => host.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".") && host.length > suffix.length;
}

/** The request's host name, lower case, without the port. */
function requestHost(request: HttpRequest): string {
  const header = request.headers.host;
  const host = (Array.isArray(header) ? header[0] : header) ?? "";
  const end = host.startsWith("[") ? host.indexOf("]") + 1 : host.lastIndexOf(":");
  return (end > 0 ? host.slice(0, end) : host).toLowerCase();
}

/** Compiles a route's matchers once, so matching a request does no parsing. */
export function compileMatch(match: Match | undefined): RequestMatcher {
  if (!match) return () => true;
  const checks: RequestMatcher[] = [];
  if (match.path) {
    const globs = match.path.map(globToRegExp);
    checks.push((_, path) => globs.some((glob) => glob.test(path)));
  }
  if (match.pathPrefix) {
    const prefixes = match.pathPrefix;
    checks.push((_, path) => prefixes.some((prefix) => path.startsWith(prefix)));
  }
  if (match.method) {
    const methods = new Set(match.method);
    checks.push((request) => methods.has(request.method));
  }
  if (match.host) {
    const hosts = match.host.map(hostMatcher);
    checks.push((request) => {
      const host = requestHost(request);
      return hosts.some((matches) => matches(host));
    });
  }
  return (request, path) => checks.every((check) => check(request, path));
}

/** A request path mapped to segments under the root, or the status to answer when it cannot be. */
export type RequestPath =
  | {
      readonly ok: true;
      /** Decoded path segments below the root, without empty or "." segments. */
      readonly segments: readonly string[];
      /**
       * Whether the (decoded, prefix-stripped) path ends with "/" (or "/."), naming a folder. It is false
       * for a bare prefix ("/files" with stripPrefix "/files"), which is redirected like any folder.
       */
      readonly trailingSlash: boolean;
      /** The path as received, still encoded, prefix included: the base for redirects. */
      readonly rawPath: string;
      /** The query with its "?", or "". */
      readonly query: string;
    }
  | { readonly ok: false; readonly status: 400 | 404 };

const NOT_FOUND = { ok: false, status: 404 } as const;
const BAD_REQUEST = { ok: false, status: 400 } as const;

/**
 * Maps a request target (`/a/b%20c?x`) to path segments below a root folder. It percent-decodes the path,
 * removes `stripPrefix` (a path without it is not found; the bare prefix maps to the root without a trailing slash), and refuses - as 404, so nothing about files
 * outside the root leaks - NUL bytes, backslashes (raw or encoded) and ".." segments (raw or encoded).
 * Malformed percent-encoding is a 400. Symlinks are checked later, against the real path.
 */
export function resolveRequestPath(url: string, stripPrefix?: string): RequestPath {
  const queryAt = url.indexOf("?");
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? "" : url.slice(queryAt);
  if (rawPath.charCodeAt(0) !== 47 /* / */ || rawPath.includes("\\")) return NOT_FOUND;

  let path = rawPath;
  if (rawPath.includes("%")) {
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return BAD_REQUEST;
    }
    if (path.includes("\\")) return NOT_FOUND;
  }
  if (path.includes("\0")) return NOT_FOUND;

  if (stripPrefix) {
    if (path === stripPrefix) path = "";
    else if (path.startsWith(stripPrefix) && path.charCodeAt(stripPrefix.length) === 47) path = path.slice(stripPrefix.length);
    else return NOT_FOUND;
  }

  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") return NOT_FOUND;
    segments.push(segment);
  }
  const trailingSlash = path.endsWith("/") || path.endsWith("/.");
  return { ok: true, segments, trailingSlash, rawPath, query };
}

/** A redirect target for a folder: the raw path plus "/", with leading slashes collapsed so it stays on this host. */
export function folderRedirectLocation(rawPath: string, query: string): string {
  return `${rawPath.replace(/^\/+/, "/")}/${query}`;
}

/**
 * Removes `prefix` from the path of `target` (path and query) when the path starts with it at a segment
 * boundary: "/api" strips "/api" and "/api/x" but not "/apix". The result always starts with "/".
 */
export function stripPathPrefix(target: string, prefix: string | undefined): string {
  if (prefix === undefined) return target;
  const base = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (base === "") return target;
  const queryAt = target.indexOf("?");
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? "" : target.slice(queryAt);
  if (path !== base && !path.startsWith(`${base}/`)) return target;
  const rest = path.slice(base.length);
  return `${rest.startsWith("/") ? rest : `/${rest}`}${query}`;
}

/** Whether an If-None-Match value (a list of tags, or "*") matches `etag`, comparing weakly as RFC 9110 says. */
export function etagListMatches(value: string, etag: string): boolean {
  if (value.trim() === "*") return true;
  for (const item of value.split(",")) {
    let tag = item.trim();
    if (tag.startsWith("W/")) tag = tag.slice(2);
    if (tag === etag) return true;
  }
  return false;
}

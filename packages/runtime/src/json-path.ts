/** Appends a key to a JSON path: `routes` + 0 -> `routes[0]`, `routes[0]` + `handle` -> `routes[0].handle`. */
export function joinPath(base: string, key: string | number | symbol): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const name = String(key);
  if (!/^[A-Za-z_$][\w$-]*$/.test(name)) return `${base}[${JSON.stringify(name)}]`;
  return base === "" ? name : `${base}.${name}`;
}

/** Joins a whole key list onto a base path. */
export function joinPaths(base: string, keys: readonly PropertyKey[]): string {
  return keys.reduce<string>((path, key) => joinPath(path, key), base);
}

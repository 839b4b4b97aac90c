import { relative } from "node:path";

/** A relative import specifier from a generated entry's folder to a file (`../../plugins/x/src/index.ts`). */
export function importSpecifier(fromDir: string, file: string): string {
  const path = relative(fromDir, file).split("\\").join("/");
  return path.startsWith(".") ? path : `./${path}`;
}

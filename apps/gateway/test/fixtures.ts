import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The fixture plugin folder (echo, slow, lie, crash, fail_provision, record, tag). */
export const FIXTURE_PLUGIN = fileURLToPath(new URL("./fixtures/fixture-plugin", import.meta.url));
/** A plugin that provides http.handlers.echo again. */
export const DUPLICATE_PLUGIN = fileURLToPath(new URL("./fixtures/duplicate-plugin", import.meta.url));

/** A temp folder removed by the returned function. */
export function tempDir(): { dir: string; write(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "loom-gateway-test-"));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

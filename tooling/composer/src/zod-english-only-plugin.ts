import { dirname } from "node:path";
import type { Plugin } from "esbuild";

/** zod's index of its locales, in either of its module formats. */
const LOCALES_INDEX = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.c?js$/;

/**
 * Bundles zod with its English messages only. zod exports every locale (`z.locales.de()`, …) from its
 * namespace, so esbuild cannot drop them: about 237 KiB and ~35 ms of start-up in every executable and
 * every plugin process, though Loom's own messages are English and zod defaults to English. With this
 * plugin `z.locales` holds `en` alone; a distribution that needs another locale imports it from its own
 * file (`zod/v4/locales/de.js`), which stays reachable.
 */
export function zodEnglishOnlyPlugin(): Plugin {
  return {
    name: "loom-zod-english-only",
    setup(build) {
      build.onLoad({ filter: LOCALES_INDEX }, (args) => ({
        contents: args.path.endsWith(".cjs") ? 'exports.en = require("./en.cjs").default;' : 'export { default as en } from "./en.js";',
        loader: "js",
        resolveDir: dirname(args.path),
      }));
    },
  };
}

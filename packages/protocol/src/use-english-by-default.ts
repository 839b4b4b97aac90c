import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

/**
 * Gives zod English messages unless a locale is set already. Classic zod does this when it builds its
 * first schema; zod/mini never does, and its issues would read "Invalid input" alone. An explicit
 * `z.config(z.locales.xx())` made earlier or later wins, as with classic zod.
 */
export function useEnglishByDefault(): void {
  if (z.config().localeError === undefined) z.config(en());
}

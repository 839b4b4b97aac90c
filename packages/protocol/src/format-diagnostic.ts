import type { Diagnostic } from "./diagnostic.ts";

/**
 * Renders a diagnostic as `file:line path: message (module) hint`, the one form every CLI prints. Kept apart
 * from DiagnosticSchema so that LoomError, which uses it, imports no zod: a CLI can start without it.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file && (d.line ? `${d.file}:${d.line}` : d.file), d.path].filter(Boolean).join(" ");
  const about = [d.module && `module ${d.module}`, d.plugin && `plugin ${d.plugin}`].filter(Boolean).join(", ");
  let text = where ? `${where}: ${d.message}` : d.message;
  if (about) text += ` (${about})`;
  if (d.hint) text += `\n  hint: ${d.hint}`;
  return text;
}

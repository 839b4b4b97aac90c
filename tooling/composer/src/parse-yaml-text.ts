import { ErrorCode, LoomError } from "@loom/protocol";
import { LineCounter, parseDocument, visit } from "yaml";

/** How to fix the parser's most common complaints (by the yaml package's error code). */
const HINTS: Record<string, string> = {
  BAD_SCALAR_START: 'quote a value that starts with @, ` or another indicator, e.g. host: "@loom/gateway"',
  DUPLICATE_KEY: "a key may appear once in a mapping: remove or merge the repeated one",
  TAB_AS_INDENT: "indent with spaces, not tabs",
  MULTIPLE_DOCS: "a manifest is one YAML document: remove the --- separator and what follows it",
  TAG_RESOLVE_FAILED: "a manifest holds plain strings, lists and mappings: remove the tag",
  BAD_INDENT: "check the indentation and the closing bracket of the line before",
  MISSING_CHAR: "check for an unclosed quote or bracket",
};

/** The key a duplicate-key error points at, when it is a plain or quoted scalar. */
function keyAt(text: string, offset: number): string | undefined {
  const match = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s:#][^:\n]*?)\s*:/.exec(text.slice(offset));
  return match?.[1]?.replace(/^["']|["']$/g, "");
}

function syntaxError(file: string, line: number, column: number, message: string, hint: string | undefined): LoomError {
  const diagnostic = { code: ErrorCode.CONFIG_SYNTAX, file, line, message: `column ${column}: ${message}` };
  return LoomError.fromDiagnostics(ErrorCode.CONFIG_SYNTAX, `${file} is not valid YAML:`, [hint ? { ...diagnostic, hint } : diagnostic]);
}

/**
 * Parses one strict YAML 1.2 document (core schema: `yes` stays a string, `<<` is an ordinary key).
 * The first error or warning (a duplicate key, a tab, a second document, an unknown tag, an empty file,
 * an alias without its anchor) is reported with file, line and column, as parseJsonText reports JSON's.
 */
export function parseYamlText(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, logLevel: "error" });
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    const key = first.code === "DUPLICATE_KEY" ? keyAt(text, first.pos[0]) : undefined;
    const message = key === undefined ? first.message : `${first.message}: "${key}" appears more than once`;
    throw syntaxError(file, line, col, message, HINTS[first.code]);
  }
  if (doc.contents === null) throw syntaxError(file, 1, 1, "the file holds no YAML document", "write a mapping such as host: \"@loom/gateway\"");
  visit(doc, {
    Alias(_key, alias) {
      if (alias.resolve(doc) !== undefined) return;
      const { line, col } = lineCounter.linePos(alias.range?.[0] ?? 0);
      const message = `Unresolved alias (the anchor must be set before the alias): ${alias.source}`;
      throw syntaxError(file, line, col, message, `set the anchor &${alias.source} on a value before *${alias.source}, or write the value out`);
    },
  });
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases expanding without bound (a billion laughs).
    throw new LoomError(ErrorCode.CONFIG_SYNTAX, `${file} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
}

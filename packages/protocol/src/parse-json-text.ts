import { ErrorCode } from "./error-codes.ts";
import { LoomError } from "./loom-error.ts";
import { parse, printParseErrorCode } from "jsonc-parser";
import type { ParseError } from "jsonc-parser";

/** Line and column (1-based) of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

const MESSAGES: Record<string, string> = {
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected "," or a closing bracket',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: "expected the end of the file after the top-level value",
  InvalidSymbol: "unexpected character",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfString: "a string is not closed",
  UnexpectedEndOfComment: "a comment is not closed",
};

/** Parses strict JSON; a syntax error names the file, line and column (all errors at once). */
export function parseJsonText(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return value;
  const diagnostics = errors.slice(0, 10).map((error) => {
    const { line, column } = position(text, error.offset);
    const name = printParseErrorCode(error.error);
    return {
      code: ErrorCode.CONFIG_SYNTAX,
      file,
      line,
      message: `column ${column}: ${MESSAGES[name] ?? name}`,
      hint: name === "CommaExpected" || name === "PropertyNameExpected" ? "check for a missing or trailing comma" : undefined,
    };
  });
  throw LoomError.fromDiagnostics(ErrorCode.CONFIG_SYNTAX, `${file} is not valid JSON:`, diagnostics.map(({ hint, ...d }) => (hint ? { ...d, hint } : d)));
}

import { Marked } from "marked";
import type { Token, Tokens } from "marked";
import { escapeHtml } from "./escape-html.ts";
import { isSafeUrl } from "./is-safe-url.ts";

export interface PageRendererOptions {
  /** A fixed page title; by default the first heading's text. */
  readonly title?: string | undefined;
  /** A stylesheet URL linked from the page. */
  readonly stylesheet?: string | undefined;
}

/** Renders Markdown source to a complete HTML5 page; `fallbackTitle` is used when there is no title or heading. */
export type PageRenderer = (source: string, fallbackTitle: string) => string;

/** The plain text of inline tokens: what a heading says without its markup. */
function plainText(tokens: readonly Token[] | undefined): string {
  let text = "";
  for (const token of tokens ?? []) {
    if ("tokens" in token && token.tokens) text += plainText(token.tokens);
    else if (token.type === "escape") text += token.raw.slice(1);
    else if (token.type !== "html" && "text" in token && typeof token.text === "string") text += token.text;
  }
  return text;
}

/**
 * Creates a renderer with its own `Marked` instance (GitHub-flavoured Markdown). Raw HTML in the source
 * is escaped, never passed through, and links or images with a scheme other than http, https or mailto
 * (such as `javascript:`) lose their URL.
 */
export function createPageRenderer(options: PageRendererOptions): PageRenderer {
  const marked = new Marked({
    gfm: true,
    async: false,
    renderer: {
      html: ({ text }) => escapeHtml(text),
      link(token: Tokens.Link) {
        return isSafeUrl(token.href) ? false : this.parser.parseInline(token.tokens);
      },
      image(token: Tokens.Image) {
        return isSafeUrl(token.href) ? false : escapeHtml(token.text);
      },
    },
  });
  const stylesheet = options.stylesheet === undefined ? "" : `<link rel="stylesheet" href="${escapeHtml(options.stylesheet)}">\n`;

  return (source, fallbackTitle) => {
    const tokens = marked.lexer(source);
    const heading = tokens.find((token): token is Tokens.Heading => token.type === "heading");
    const title = options.title ?? (heading ? plainText(heading.tokens).replace(/\s+/g, " ").trim() : "");
    const body = marked.parser(tokens);
    return (
      "<!doctype html>\n" +
      '<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
      '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
      `<title>${escapeHtml(title || fallbackTitle)}</title>\n` +
      stylesheet +
      `</head>\n<body>\n<main>\n${body}</main>\n</body>\n</html>\n`
    );
  };
}

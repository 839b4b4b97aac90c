const SAFE_SCHEME = /^(?:https?|mailto):/i;
// Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const IGNORED = /[\u0000-\u0020\u007f]/g;

/**
 * Whether a link or image URL is relative or uses http, https or mailto, so never `javascript:` or
 * `data:`. A scheme may hide behind a character reference (`javascript&#58;`) that the browser decodes
 * in the attribute, so a URL whose part before the first "/", "?" or "#" holds ":" or "&" must start
 * with a safe scheme.
 */
export function isSafeUrl(url: string): boolean {
  const cleaned = url.replace(IGNORED, "");
  const end = cleaned.search(/[/?#]/);
  const head = end === -1 ? cleaned : cleaned.slice(0, end);
  return !/[:&]/.test(head) || SAFE_SCHEME.test(cleaned);
}

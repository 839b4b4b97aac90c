import { describe, expect, it } from "vitest";
import { isSafeUrl } from "./is-safe-url.ts";

describe("isSafeUrl", () => {
  it.each(["/a.md", "b.md", "../c", "#top", "?q=1", "https://example.com/x:y", "HTTP://a", "mailto:a@b.c", "//cdn.example/x", "a/b:c"])(
    "allows %j",
    (url) => {
      expect(isSafeUrl(url)).toBe(true);
    },
  );

  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript&#58;alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>",
    "vbscript:x",
    "file:///etc/passwd",
  ])("refuses %j", (url) => {
    expect(isSafeUrl(url)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { contentTypeFor } from "./content-type.ts";

describe("contentTypeFor", () => {
  it.each([
    ["index.html", "text/html; charset=utf-8"],
    ["a.CSS", "text/css; charset=utf-8"],
    ["app.js", "text/javascript; charset=utf-8"],
    ["mod.mjs", "text/javascript; charset=utf-8"],
    ["data.json", "application/json; charset=utf-8"],
    ["notes.txt", "text/plain; charset=utf-8"],
    ["README.md", "text/markdown; charset=utf-8"],
    ["feed.xml", "text/xml; charset=utf-8"],
    ["app.js.map", "application/json; charset=utf-8"],
    ["logo.svg", "image/svg+xml"],
    ["a.png", "image/png"],
    ["a.jpg", "image/jpeg"],
    ["a.JPEG", "image/jpeg"],
    ["a.gif", "image/gif"],
    ["a.webp", "image/webp"],
    ["a.avif", "image/avif"],
    ["favicon.ico", "image/x-icon"],
    ["m.wasm", "application/wasm"],
    ["doc.pdf", "application/pdf"],
    ["f.woff", "font/woff"],
    ["f.woff2", "font/woff2"],
    ["v.mp4", "video/mp4"],
    ["v.webm", "video/webm"],
    ["archive.tar.gz", "application/octet-stream"],
    ["Makefile", "application/octet-stream"],
    ["x.__proto__", "application/octet-stream"],
  ])("%s is %s", (name, type) => {
    expect(contentTypeFor(name)).toBe(type);
  });
});

import { describe, expect, it } from "vitest";
import { parseBasicAuthorization } from "./parse-basic-authorization.ts";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

describe("parseBasicAuthorization", () => {
  it("decodes user and password, splitting on the first colon", () => {
    expect(parseBasicAuthorization(`Basic ${b64("alice:pa:ss")}`)).toEqual({ username: "alice", password: "pa:ss" });
  });

  it("accepts any case of the scheme, extra spaces and missing padding", () => {
    const token = b64("bob:x");
    expect(parseBasicAuthorization(`bAsIc   ${token.replace(/=+$/, "")}  `)).toEqual({ username: "bob", password: "x" });
  });

  it("decodes UTF-8 and allows an empty password", () => {
    expect(parseBasicAuthorization(`Basic ${b64("jos\u00e9:")}`)).toEqual({ username: "jos\u00e9", password: "" });
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["another scheme", `Bearer ${b64("a:b")}`],
    ["the scheme alone", "Basic"],
    ["no space after the scheme", `Basic${b64("a:b")}`],
    ["characters outside base64", "Basic a:b"],
    ["base64 with an impossible length", "Basic QUJDZ"],
    ["non-canonical base64 bits", "Basic YR=="],
    ["padding in the middle", "Basic YQ==YQ=="],
    ["no colon", `Basic ${b64("alice")}`],
    ["invalid UTF-8", `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString("base64")}`],
    ["two tokens", `Basic ${b64("a:b")} ${b64("c:d")}`],
  ])("returns undefined for %s", (_name, header) => {
    expect(parseBasicAuthorization(header)).toBeUndefined();
  });
});

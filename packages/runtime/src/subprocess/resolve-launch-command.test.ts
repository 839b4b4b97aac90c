import { describe, expect, it } from "vitest";
import { isNodeCommand, resolveLaunchCommand } from "./resolve-launch-command.ts";

const tools = { setpriv: "/usr/bin/setpriv", prlimit: "/usr/bin/prlimit" };
const base = { command: "/opt/plugin", args: ["--x"], node: undefined, memoryLimitMb: undefined, pdeathsig: true };

describe("resolveLaunchCommand", () => {
  it("wraps in setpriv --pdeathsig KILL when it exists, and not otherwise", () => {
    expect(resolveLaunchCommand(base, tools)).toEqual({
      file: "/usr/bin/setpriv",
      args: ["--pdeathsig", "KILL", "--", "/opt/plugin", "--x"],
      pdeathsig: true,
      memoryCap: "none",
    });
    expect(resolveLaunchCommand(base, {})).toEqual({ file: "/opt/plugin", args: ["--x"], pdeathsig: false, memoryCap: "none" });
    expect(resolveLaunchCommand({ ...base, pdeathsig: false }, tools).file).toBe("/opt/plugin");
  });

  it("caps a Node plugin's heap with --max-old-space-size and others with prlimit --as", () => {
    const node = resolveLaunchCommand({ ...base, command: "node", memoryLimitMb: 64 }, tools);
    expect(node.args).toEqual(["--pdeathsig", "KILL", "--", "node", "--max-old-space-size=64", "--x"]);
    expect(node.memoryCap).toBe("max-old-space-size");
    const other = resolveLaunchCommand({ ...base, memoryLimitMb: 64 }, tools);
    expect(other.args).toEqual(["--pdeathsig", "KILL", "--", "/usr/bin/prlimit", `--as=${64 * 1024 * 1024}`, "--", "/opt/plugin", "--x"]);
    expect(resolveLaunchCommand({ ...base, memoryLimitMb: 64 }, {}).memoryCap).toBe("none");
    expect(resolveLaunchCommand({ ...base, memoryLimitMb: 64, node: true }, {}).args).toEqual(["--max-old-space-size=64", "--x"]);
  });

  it("recognises Node by its file name or as this very binary", () => {
    expect(isNodeCommand("node")).toBe(true);
    expect(isNodeCommand("/usr/local/bin/node")).toBe(true);
    expect(isNodeCommand(process.execPath)).toBe(true);
    expect(isNodeCommand("/usr/bin/python3")).toBe(false);
    expect(isNodeCommand("nodemon")).toBe(false);
  });
});

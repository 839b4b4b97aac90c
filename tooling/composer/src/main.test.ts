import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// The real `loom` CLI in a pseudo-terminal made by util-linux `script`, so stderr is a TTY as in a shell.
const COMPOSER = fileURLToPath(new URL("..", import.meta.url));
const MAIN = fileURLToPath(new URL("main.ts", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-main-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const manifest = join(work, "tty-progress.json");
writeFileSync(manifest, JSON.stringify({ host: "@loom/gateway", target: "bundle", plugins: ["@loom/plugin-static"] }));

/** Runs a shell command line under `script`; returns what the terminal showed, with \r\n made \n. */
function inTerminal(commandLine: string, env: NodeJS.ProcessEnv): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) =>
    execFile("script", ["-qec", commandLine, "/dev/null"], { cwd: COMPOSER, env, timeout: 100_000 }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, screen: stdout.replace(/\r\n/g, "\n") }),
    ),
  );
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const loom = (...args: string[]) => [process.execPath, "--import", "tsx", MAIN, ...args].map(quote).join(" ");
const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, ...colorEnv } = process.env;
const STEP = (name: string, detail = "") => new RegExp(`^  ${name} … \\d+(\\.\\d)? m?s${detail.replace(/[()]/g, "\\$&")}$`, "m");

describe("loom build in a terminal and in a pipe", () => {
  const out = join(work, "out-tty");

  it("shows every step with its time on a terminal, in color, then the summary", async () => {
    const { code, screen } = await inTerminal(loom("build", manifest, "--out", out), colorEnv);
    expect(code).toBe(0);
    expect(screen).toContain("\u001b[");
    const plain = stripVTControlCharacters(screen);
    for (const [name, detail] of [["read manifest"], ["resolve plugins", " (1 plugin(s))"], ["compose entry"], ["hash inputs"], ["bundle"], ["sbom"]] as const) {
      expect(plain).toMatch(STEP(name, detail));
    }
    expect(plain).not.toMatch(/^ {2}executable/m);
    const lines = plain.trimEnd().split("\n");
    expect(lines.map((line) => line.replace(/ … .*/, ""))).toEqual(["  read manifest", "  resolve plugins", "  compose entry", "  hash inputs", "  bundle", "  sbom", expect.any(String)]);
    expect(lines.at(-1)).toMatch(new RegExp(`^built tty-progress -> ${join(out, "gateway.cjs")} \\(\\d+ KiB, \\d+ ms\\)$`));
  });

  it("says unchanged when the cache skips the work, with NO_COLOR honoured", async () => {
    const { code, screen } = await inTerminal(loom("build", manifest, "--out", out), { ...colorEnv, NO_COLOR: "1" });
    expect(code).toBe(0);
    expect(screen).not.toContain("\u001b[");
    expect(screen).toMatch(STEP("hash inputs", " (unchanged)"));
    expect(screen).not.toMatch(/^ {2}bundle/m);
    expect(screen).toMatch(/^unchanged tty-progress -> /m);
  });

  it("writes only the summary line when stderr is a pipe", async () => {
    const piped = join(work, "out-piped");
    const { code, screen } = await inTerminal(`${loom("build", manifest, "--out", piped)} 2>&1 >/dev/null | cat`, colorEnv);
    expect(code).toBe(0);
    expect(screen).toMatch(new RegExp(`^built tty-progress -> ${join(piped, "gateway.cjs")} \\(\\d+ KiB, \\d+ ms\\)\\n$`));
  });

  it("keeps a terminal silent with --json (JSON on stdout) and with --quiet", async () => {
    const json = join(work, "result.json");
    const withJson = await inTerminal(`${loom("build", manifest, "--out", out, "--json")} > ${quote(json)}`, colorEnv);
    expect(withJson).toEqual({ code: 0, screen: "" });
    expect(JSON.parse(readFileSync(json, "utf8"))).toMatchObject([{ distribution: "tty-progress", target: "bundle", output: join(out, "gateway.cjs") }]);
    expect(await inTerminal(loom("build", manifest, "--out", out, "-q"), colorEnv)).toEqual({ code: 0, screen: "" });
  });

  it("ends the open step line before the error", async () => {
    const broken = join(work, "broken.json");
    writeFileSync(broken, JSON.stringify({ host: "@loom/gateway", target: "bundle", plugins: ["@loom/plugin-statc"] }));
    const { code, screen } = await inTerminal(loom("build", broken, "--out", join(work, "out-broken")), { ...colorEnv, NO_COLOR: "1" });
    expect(code).toBe(1);
    expect(screen).toContain(`  read manifest … `);
    expect(screen).toContain(`  resolve plugins … failed\nerror: ${broken}: `);
  });
});

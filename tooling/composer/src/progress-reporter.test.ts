import { Writable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { progressStep } from "./build-progress.ts";
import { createProgressReporter, formatDuration } from "./progress-reporter.ts";

/** A real stream that collects what is written to it, claiming to be a terminal or not. */
function collector(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    }),
    { isTTY },
  );
  const text = () => new Promise<string>((resolve) => stream.end(() => resolve(chunks.join(""))));
  return { stream, text };
}

/** A clock that moves only when told to. */
function clock() {
  let ms = 1000;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

/** One bundle build's worth of steps, timed by the fake clock. */
async function build(isTTY: boolean, env: Record<string, string | undefined>) {
  const { stream, text } = collector(isTTY);
  const time = clock();
  const reporter = createProgressReporter(stream, { env, now: time.now });
  const reading = reporter.step("read manifest");
  time.advance(3.4);
  reading.done();
  await progressStep(reporter, "resolve plugins", async () => (time.advance(15), 2), (count) => `${count} plugin(s)`);
  const bundling = reporter.step("bundle");
  time.advance(1234);
  bundling.done();
  reporter.summary("built", "demo -> dist/demo/gateway.cjs (120 KiB, 1300 ms)");
  return text();
}


describe("createProgressReporter", () => {
  it("shows each step and its time on a terminal, without color when NO_COLOR is set", async () => {
    expect(await build(true, { NO_COLOR: "1" })).toBe(
      "  read manifest … 3 ms\n" + "  resolve plugins … 15 ms (2 plugin(s))\n" + "  bundle … 1.2 s\n" + "built demo -> dist/demo/gateway.cjs (120 KiB, 1300 ms)\n",
    );
  });

  it("colors a terminal's output unless NO_COLOR is set (an empty NO_COLOR does not count)", async () => {
    for (const env of [{}, { NO_COLOR: "" }]) {
      const colored = await build(true, env);
      expect(colored).toContain("\u001b[2m1.2 s\u001b[22m");
      expect(colored).toContain("\u001b[32mbuilt\u001b[39m demo");
      expect(stripVTControlCharacters(colored)).toBe(await build(true, { NO_COLOR: "1" }));
    }
  });

  it("writes only the summary line, uncolored, when the stream is not a terminal", async () => {
    for (const env of [{}, { NO_COLOR: "1" }]) {
      expect(await build(false, env)).toBe("built demo -> dist/demo/gateway.cjs (120 KiB, 1300 ms)\n");
    }
  });

  it("keeps lines whole when steps overlap, ignores a second done, and ends an open step when the build fails", async () => {
    const { stream, text } = collector(true);
    const time = clock();
    const reporter = createProgressReporter(stream, { env: { NO_COLOR: "1" }, now: time.now });
    const first = reporter.step("install plugins");
    const second = reporter.step("download node");
    time.advance(40);
    first.done("3 packages");
    first.done("again");
    time.advance(2);
    second.done();
    reporter.step("bundle");
    reporter.fail();
    reporter.fail();
    expect(await text()).toBe(
      "  install plugins … \n" + "  download node … \n" + "  install plugins … 40 ms (3 packages)\n" + "  download node … 42 ms\n" + "  bundle … failed\n",
    );
  });

  it("colors an unchanged build's verb apart from a built one", async () => {
    const { stream, text } = collector(true);
    const reporter = createProgressReporter(stream, { env: {} });
    reporter.summary("unchanged", "demo");
    expect(await text()).toBe("\u001b[33munchanged\u001b[39m demo\n");
  });
});

describe("formatDuration", () => {
  it("gives milliseconds below a second and seconds with one decimal from one", () => {
    expect([0.4, 412.6, 999, 1000, 61_449].map(formatDuration)).toEqual(["0 ms", "413 ms", "999 ms", "1.0 s", "61.4 s"]);
  });
});

// The floor of `pnpm bench ipc`: echoes length-prefixed raw bytes (u32 big-endian length, then the
// bytes) from stdin to stdout; the frames complete in one read are echoed in one write. No framing library.
import { Buffer } from "node:buffer";
import process from "node:process";

let pending = Buffer.alloc(0);
process.stdin.on("data", (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  let end = 0;
  while (pending.length - end >= 4) {
    const size = pending.readUInt32BE(end);
    if (pending.length - end - 4 < size) break;
    end += 4 + size;
  }
  if (end === 0) return;
  process.stdout.write(pending.subarray(0, end));
  pending = pending.subarray(end);
});
process.stdin.on("end", () => process.exit(0));

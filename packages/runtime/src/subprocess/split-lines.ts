const NEWLINE = 0x0a;
const CR = 0x0d;

/** Receives one line: its bytes without `\n` (and a trailing `\r`), and whether it was cut. */
export type LineListener = (line: Uint8Array, truncated: boolean) => void;

/** Pushes chunks of a byte stream; `end` flushes a last line without `\n`. */
export interface LineSplitter {
  push(chunk: Uint8Array): void;
  end(): void;
}

/**
 * Splits a byte stream into lines at `\n` and drops a trailing `\r`. A line longer than `maxLineBytes`
 * is cut there: its first `maxLineBytes` bytes are delivered (truncated), the rest is skipped up to the
 * next `\n`, so memory stays bounded whatever a plugin prints. Lines are not decoded here: a caller that
 * drops a line (rate limit) never pays for decoding it.
 */
export function createLineSplitter(maxLineBytes: number, onLine: LineListener): LineSplitter {
  const parts: Uint8Array[] = [];
  let held = 0;
  let skipping = false;

  const emit = (tail: Uint8Array, truncated: boolean) => {
    let line = tail;
    if (parts.length > 0) {
      line = new Uint8Array(held + tail.length);
      let at = 0;
      for (const part of parts) {
        line.set(part, at);
        at += part.length;
      }
      line.set(tail, at);
      parts.length = 0;
      held = 0;
    }
    if (!truncated && line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    onLine(line, truncated);
  };

  /** Adds bytes of the current line; returns true when the line just reached its limit. */
  const hold = (bytes: Uint8Array): boolean => {
    const room = maxLineBytes - held;
    if (bytes.length <= room) {
      parts.push(bytes.slice());
      held += bytes.length;
      return false;
    }
    emit(bytes.subarray(0, room), true);
    skipping = true;
    return true;
  };

  return {
    push(chunk) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(NEWLINE, start);
        const end = newline === -1 ? chunk.length : newline;
        if (skipping) {
          if (newline !== -1) skipping = false;
        } else if (held + (end - start) > maxLineBytes) {
          hold(chunk.subarray(start, end));
          if (newline !== -1) skipping = false;
        } else if (newline === -1) {
          hold(chunk.subarray(start, end));
        } else {
          emit(chunk.subarray(start, end), false);
        }
        if (newline === -1) return;
        start = newline + 1;
      }
    },
    end() {
      if (!skipping && held > 0) emit(new Uint8Array(0), false);
      parts.length = 0;
      held = 0;
      skipping = false;
    },
  };
}

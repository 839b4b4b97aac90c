import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";

/** The ELF note Node's single-executable support looks for (postject's resource name). */
const NOTE_NAME = "NODE_SEA_BLOB";
const PT_NOTE = 4;
const MIB = 1024 * 1024;
/** Bump when the template's layout or the way it is patched changes: old templates are then not used. */
const TEMPLATE_FORMAT = 1;
/** Templates kept (each ~100 MB); the least recently used beyond these are removed. */
const KEEP_TEMPLATES = 6;

const roundUp4 = (n: number) => (n + 3) & ~3;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

interface BlobNote {
  /** File offset of the note's header, and of its description (the blob). */
  note: number;
  desc: number;
  /** Room for the blob: the description's size in the template. */
  capacity: number;
  /** File offset of the PT_NOTE program header holding the note, when the note ends that segment. */
  phdr: number | undefined;
  segmentOffset: number;
}

/** Finds the NODE_SEA_BLOB note of a 64-bit little-endian ELF file through its PT_NOTE segments. */
async function findBlobNote(handle: FileHandle): Promise<BlobNote | undefined> {
  const header = await readAt(handle, 0, 64);
  if (header.length < 64 || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
  const phoff = Number(header.readBigUInt64LE(0x20));
  const phentsize = header.readUInt16LE(0x36);
  const phnum = header.readUInt16LE(0x38);
  const table = await readAt(handle, phoff, phentsize * phnum);
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    if (table.readUInt32LE(at) !== PT_NOTE) continue;
    const offset = Number(table.readBigUInt64LE(at + 0x08));
    const end = offset + Number(table.readBigUInt64LE(at + 0x20));
    for (let pos = offset; pos + 12 <= end; ) {
      const nhdr = await readAt(handle, pos, 12 + 16);
      const namesz = nhdr.readUInt32LE(0);
      const descsz = nhdr.readUInt32LE(4);
      const desc = pos + 12 + roundUp4(namesz);
      if (namesz === NOTE_NAME.length + 1 && nhdr.toString("latin1", 12, 12 + NOTE_NAME.length) === NOTE_NAME) {
        const last = desc + roundUp4(descsz) === end;
        return { note: pos, desc, capacity: descsz, phdr: last ? phoff + at : undefined, segmentOffset: offset };
      }
      pos = desc + roundUp4(descsz);
    }
  }
  return undefined;
}

/**
 * sha256 of a file's bytes, remembered beside the templates per path, size, mtime and inode, so that the
 * same Node binary is read once, while a copy of it elsewhere (a runtime cache in a temp folder) finds
 * the same template.
 */
async function contentDigest(file: string, templateDir: string): Promise<string> {
  const { size, mtimeMs, ino } = await stat(file);
  const memo = join(templateDir, `digest-${createHash("sha256").update(`${file}\0${size}\0${mtimeMs}\0${ino}`).digest("hex").slice(0, 24)}`);
  try {
    return (await readFile(memo, "utf8")).trim();
  } catch {
    const digest = createHash("sha256").update(await readFile(file)).digest("hex");
    await writeFile(`${memo}.${process.pid}`, digest);
    await rename(`${memo}.${process.pid}`, memo);
    return digest;
  }
}

/** Removes the least recently used templates beyond KEEP_TEMPLATES, and digests older than a week. */
async function pruneTemplates(templateDir: string): Promise<void> {
  const now = Date.now();
  const entries = await Promise.all(
    (await readdir(templateDir)).map(async (name) => ({ name, mtimeMs: (await stat(join(templateDir, name)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  const templates = entries.filter((e) => e.name.endsWith(".node")).sort((a, b) => b.mtimeMs - a.mtimeMs);
  const stale = [...templates.slice(KEEP_TEMPLATES), ...entries.filter((e) => e.name.startsWith("digest-") && now - e.mtimeMs > 7 * 24 * 3600_000)];
  await Promise.all(stale.map((e) => rm(join(templateDir, e.name), { force: true })));
}

export interface InjectSeaBlobOptions {
  /** The Node binary the executable is a copy of. */
  nodeBinary: string;
  /** The SEA preparation blob (`node --experimental-sea-config`). */
  blob: string;
  output: string;
  /** Where templates are kept (one per Node binary and size class, each a copy of it; the last few used). */
  templateDir: string;
  /** Runs postject: injects the file `resource` as NODE_SEA_BLOB into `target` and flips the fuse. */
  postject(target: string, resource: string): Promise<void>;
  /** Names the postject that made a template (its path with its version): another one makes new templates. */
  postjectId: string;
}

/**
 * Writes `output`: the Node binary with the blob injected, as Node's single-executable support reads it.
 * postject rewrites the whole ~95 MB binary with LIEF (compiled to wasm), ~5 s per build. Here it runs
 * once per Node binary and size class (whole MiB) to inject a zero-filled blob of the class's size; that
 * template is kept, and each build copies it and writes its blob into the note, then sets the note's size
 * and its segment's. The bytes depend only on the Node binary and the blob (never on what was cached),
 * so builds stay reproducible. Templates are found by the binary's content, and the least recently used
 * beyond KEEP_TEMPLATES are removed. A binary that is not 64-bit little-endian ELF gets plain postject.
 */
export async function injectSeaBlob(options: InjectSeaBlobOptions): Promise<void> {
  const blob = await readFile(options.blob);
  await rm(options.output, { force: true });
  const probe = await open(options.nodeBinary, "r");
  const head = await readAt(probe, 0, 4096).finally(() => probe.close());
  if (head.length < 64 || head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) {
    await copyFile(options.nodeBinary, options.output);
    await chmod(options.output, 0o755);
    await options.postject(options.output, options.blob);
    return;
  }
  const size = Math.max(1, Math.ceil(roundUp4(blob.length) / MIB)) * MIB;
  await mkdir(options.templateDir, { recursive: true });
  const identity = { format: TEMPLATE_FORMAT, postject: options.postjectId, binary: await contentDigest(options.nodeBinary, options.templateDir), size };
  const key = createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
  const template = join(options.templateDir, `${key}.node`);
  const makeTemplate = async () => {
    const partial = `${template}.${process.pid}.tmp`;
    const zeros = `${partial}.blob`;
    try {
      await writeFile(zeros, Buffer.alloc(size));
      await copyFile(options.nodeBinary, partial);
      await options.postject(partial, zeros);
      await rename(partial, template);
    } finally {
      await rm(partial, { force: true });
      await rm(zeros, { force: true });
    }
    await pruneTemplates(options.templateDir);
  };
  try {
    const now = new Date();
    await utimes(template, now, now); // most recently used: kept by pruneTemplates
  } catch {
    await makeTemplate();
  }
  // Pruned by a concurrent build in between: make it again.
  await copyFile(template, options.output).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    await makeTemplate();
    await copyFile(template, options.output);
  });
  const handle = await open(options.output, "r+");
  try {
    const found = await findBlobNote(handle);
    if (!found || found.capacity !== size) throw new Error(`the SEA template ${template} has no ${NOTE_NAME} note of ${size} bytes; delete it to make it again`);
    await handle.write(blob, 0, blob.length, found.desc);
    const descsz = Buffer.alloc(4);
    descsz.writeUInt32LE(blob.length);
    await handle.write(descsz, 0, 4, found.note + 4);
    if (found.phdr !== undefined) {
      const sizes = Buffer.alloc(16);
      const segmentSize = BigInt(found.desc + roundUp4(blob.length) - found.segmentOffset);
      sizes.writeBigUInt64LE(segmentSize, 0);
      sizes.writeBigUInt64LE(segmentSize, 8);
      await handle.write(sizes, 0, 16, found.phdr + 0x20);
    }
  } finally {
    await handle.close();
  }
  await chmod(options.output, 0o755);
}

import { open } from "node:fs/promises";

/** The platforms loom builds executables for, and the ELF `e_machine` of each one's binaries. */
export const ELF_MACHINE = { "linux-x64": 0x3e, "linux-arm64": 0xb7 } as const;

export type NodePlatform = keyof typeof ELF_MACHINE;

/** A readable name for an `e_machine` value, for error messages. */
export function elfMachineName(machine: number | undefined): string {
  if (machine === undefined) return "not an ELF file";
  if (machine === ELF_MACHINE["linux-x64"]) return "x86-64 (linux-x64)";
  if (machine === ELF_MACHINE["linux-arm64"]) return "aarch64 (linux-arm64)";
  return `ELF machine 0x${machine.toString(16)}`;
}

/**
 * Reads the `e_machine` field of an ELF file's header (what `file` prints as "x86-64" or "ARM
 * aarch64"): offset 18, two bytes in the byte order the header declares. Undefined for a file that is
 * not ELF.
 */
export async function readElfMachine(file: string): Promise<number | undefined> {
  const handle = await open(file, "r");
  try {
    const header = Buffer.alloc(20);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    if (bytesRead < header.length || header.readUInt32BE(0) !== 0x7f454c46) return undefined;
    return header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
  } finally {
    await handle.close();
  }
}

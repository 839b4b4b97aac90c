import { readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  /** argv, as /proc/<pid>/cmdline holds it. */
  argv: string[];
  /** The cores it may run on (Cpus_allowed_list), e.g. "0". */
  cpus: string;
  /** User + system CPU time so far, in seconds. */
  cpuSeconds: number;
  /** Minor page faults so far (minflt): pages the process touched for the first time, each a trip to the kernel. */
  minorFaults: number;
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after "(comm) ", which may itself hold spaces and parentheses. */
const statFields = (pid: number) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").at(-1)!.split(" ");

/** What Linux's /proc tells of a process: its argv, allowed cores and CPU time (Linux only). */
export function readProcessInfo(pid: number): ProcessInfo {
  const fields = statFields(pid); // [0] state, [1] ppid, ..., [7] minflt, ..., [11] utime, [12] stime
  const cpus = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "?";
  return {
    pid,
    argv: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((arg) => arg !== ""),
    cpus,
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    minorFaults: Number(fields[7]),
  };
}

/** The process ids whose parent is `pid` (a scan of /proc; processes that end meanwhile are skipped). */
export function childProcesses(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) children.push(Number(entry));
    } catch {
      // ended between readdir and read
    }
  }
  return children;
}

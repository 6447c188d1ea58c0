// Peak resident memory of this process. On Linux, getrusage's maxrss survives exec and so
// reports the parent's size for a freshly spawned child; VmHWM in /proc is this process's own.

import { readFileSync } from "node:fs";

export function peakRssBytes(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every common build). */
const ticksPerSecond = 100;

/**
 * The CPU time a process has used so far (user + system, all its threads),
 * in milliseconds; `null` where /proc is missing. Unlike throughput, CPU time
 * per request hardly moves when other work shares the cores.
 */
export function readCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function readProcStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** The resident set size of a process, in MiB (Linux's /proc, else `ps`). */
export function readRssMb(pid: number): number {
  const fromProc = readProcStatus(pid, 'VmRSS');
  if (fromProc !== null) return fromProc;
  const kb = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Number(kb.trim()) / 1024;
}

/**
 * Samples a process's RSS every `intervalMs` until `stop()`, which returns
 * the highest it saw (on Linux, the kernel's high-water mark when higher:
 * it sees between samples).
 */
export function watchPeakRss(pid: number, intervalMs = 100): { stop(): number } {
  let peak = readRssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, readRssMb(pid));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, readRssMb(pid));
    },
  };
}

/** The highest RSS of a process's life so far (Linux), else `null`. */
export function readLifetimePeakRssMb(pid: number): number | null {
  return readProcStatus(pid, 'VmHWM');
}

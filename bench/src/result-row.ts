import type { Dialect } from './dialects.ts';

/**
 * One line of bench/results.json. Every row has every key; `null` where a
 * figure does not apply to the scenario. `ratio` is `ratioOf` (it differs by
 * scenario: throughput against the baseline, or latency against idle).
 */
export interface ResultRow {
  dialect: Dialect;
  scenario: 'me' | 'me-idle' | 'signin' | 'me-during-signin' | 'startup';
  rps: number | null;
  baselineRps: number | null;
  ratio: number | null;
  ratioOf: string | null;
  p50Ms: number | null;
  p99Ms: number | null;
  baselineP50Ms: number | null;
  baselineP99Ms: number | null;
  /** `startup`: RSS once started and idle; the others: the highest during the run. */
  rssMb: number | null;
  baselineRssMb: number | null;
  /** `me`: CPU time of the server process per 2xx answer (Linux), in microseconds. */
  cpuUsPerRequest: number | null;
  baselineCpuUsPerRequest: number | null;
  startupMs: number | null;
  baselineStartupMs: number | null;
  /** `startup`: the highest RSS of the app's whole life in the run (after every load). */
  peakRssMb: number | null;
}

const empty = {
  rps: null,
  baselineRps: null,
  ratio: null,
  ratioOf: null,
  p50Ms: null,
  p99Ms: null,
  baselineP50Ms: null,
  baselineP99Ms: null,
  rssMb: null,
  baselineRssMb: null,
  cpuUsPerRequest: null,
  baselineCpuUsPerRequest: null,
  startupMs: null,
  baselineStartupMs: null,
  peakRssMb: null,
} as const;

/** A row with every figure not given set to `null`. */
export function createRow(
  row: Pick<ResultRow, 'dialect' | 'scenario'> & Partial<ResultRow>,
): ResultRow {
  const { dialect, scenario, ...figures } = row;
  return { dialect, scenario, ...empty, ...figures };
}

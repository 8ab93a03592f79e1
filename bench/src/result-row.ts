/**
 * One line of bench/results.json. Every row has every key; `null` where a
 * figure does not apply to the scenario. `ratio` is `ratioOf` (it differs by
 * scenario: throughput against the baseline, or latency against idle).
 */
export interface ResultRow {
  /** The dialect's name. */
  dialect: string;
  scenario: 'me' | 'me-idle' | 'signin' | 'me-during-signin' | 'startup';
  rps: number | null;
  baselineRps: number | null;
  ratio: number | null;
  ratioOf: string | null;
  /** `me`: the app's rps ÷ the bare Lucia server's. */
  ratioToBareLucia: number | null;
  /**
   * `me`: the app's rps ÷ the bare Lucia server's whose statements are
   * prepared once (SQLite only; `null` on the others). Where it is not `null`,
   * the throughput goal is judged by it.
   */
  ratioToBareLuciaOnce: number | null;
  /** `me`: the app's rps ÷ better-auth's. */
  ratioToBetterAuth: number | null;
  /** `me-during-signin`: the control's (the baseline's) p99 during ÷ idle, beside the app's `ratio`. */
  controlRatio: number | null;
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
  /**
   * The peers, figure for figure like the app's: the bare Lucia server, the
   * same with its statements prepared once (`bareLuciaOnce`, SQLite only), and
   * better-auth.
   */
  bareLuciaRps: number | null;
  bareLuciaP50Ms: number | null;
  bareLuciaP99Ms: number | null;
  bareLuciaCpuUsPerRequest: number | null;
  bareLuciaRssMb: number | null;
  bareLuciaStartupMs: number | null;
  bareLuciaOnceRps: number | null;
  bareLuciaOnceP50Ms: number | null;
  bareLuciaOnceP99Ms: number | null;
  bareLuciaOnceCpuUsPerRequest: number | null;
  bareLuciaOnceRssMb: number | null;
  bareLuciaOnceStartupMs: number | null;
  betterAuthRps: number | null;
  betterAuthP50Ms: number | null;
  betterAuthP99Ms: number | null;
  betterAuthCpuUsPerRequest: number | null;
  betterAuthRssMb: number | null;
  betterAuthStartupMs: number | null;
}

const empty = {
  rps: null,
  baselineRps: null,
  ratio: null,
  ratioOf: null,
  ratioToBareLucia: null,
  ratioToBareLuciaOnce: null,
  ratioToBetterAuth: null,
  controlRatio: null,
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
  bareLuciaRps: null,
  bareLuciaP50Ms: null,
  bareLuciaP99Ms: null,
  bareLuciaCpuUsPerRequest: null,
  bareLuciaRssMb: null,
  bareLuciaStartupMs: null,
  bareLuciaOnceRps: null,
  bareLuciaOnceP50Ms: null,
  bareLuciaOnceP99Ms: null,
  bareLuciaOnceCpuUsPerRequest: null,
  bareLuciaOnceRssMb: null,
  bareLuciaOnceStartupMs: null,
  betterAuthRps: null,
  betterAuthP50Ms: null,
  betterAuthP99Ms: null,
  betterAuthCpuUsPerRequest: null,
  betterAuthRssMb: null,
  betterAuthStartupMs: null,
} as const;

/** A row with every figure not given set to `null`. */
export function createRow(
  row: Pick<ResultRow, 'dialect' | 'scenario'> & Partial<ResultRow>,
): ResultRow {
  const { dialect, scenario, ...figures } = row;
  return { dialect, scenario, ...empty, ...figures };
}

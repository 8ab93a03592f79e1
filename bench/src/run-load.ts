import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  overallRate?: number;
}

/** One 2xx answer: when its request left (performance.now() ms) and how long it took. */
export interface Sample {
  sentAt: number;
  latencyMs: number;
}

/** What one load run measured: 2xx answers only; anything else is counted apart. */
export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Answers other than 2xx, and connection errors or timeouts. */
  failed: number;
  samples: Sample[];
}

/** The median and the 99th percentile of latencies (nearest rank), in ms. */
export function summarizeLatencies(latencies: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0
      ? Number.NaN
      : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

/**
 * One autocannon run. Latencies are collected from each response as
 * autocannon times it (sub-millisecond; its own histogram rounds to whole
 * milliseconds, too coarse for a 1 ms route).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const samples: Sample[] = [];
  let failed = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.durationS,
        overallRate: options.overallRate,
        timeout: 10,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        samples.push({ sentAt: performance.now() - responseTime, latencyMs: responseTime });
      } else {
        failed += 1;
      }
    });
    instance.on('reqError', () => {
      failed += 1;
    });
  });
  return {
    rps: samples.length / result.duration,
    ...summarizeLatencies(samples.map((sample) => sample.latencyMs)),
    ok: samples.length,
    failed,
    samples,
  };
}

import { describe, expect, it } from 'vitest';
import { countStatuses } from './count-statuses.ts';

describe('countStatuses', () => {
  it('counts each status, of responses or of numbers', () => {
    const responses = [201, 409, 409, 503].map((status) => new Response(null, { status }));
    expect(countStatuses(responses)).toEqual({ 201: 1, 409: 2, 503: 1 });
    expect(countStatuses([200, 200])).toEqual({ 200: 2 });
  });

  it('keeps an expected status that no answer had, as 0', () => {
    expect(countStatuses([429, 429], [401, 429])).toEqual({ 401: 0, 429: 2 });
    expect(countStatuses([], [200])).toEqual({ 200: 0 });
  });

  it('shows an unexpected status beside the expected ones', () => {
    expect(countStatuses([201, 409, 503], [201, 409])).not.toEqual({ 201: 1, 409: 2 });
    expect(countStatuses([201, 409, 503], [201, 409])).toEqual({ 201: 1, 409: 1, 503: 1 });
  });
});

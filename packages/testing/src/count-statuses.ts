/**
 * How many answers had each status, e.g. `{ 201: 1, 409: 39 }`, with every
 * status of `expected` present (0 when none had it). A count assertion
 * compares this whole object, so that when it fails it shows every answer,
 * not only the count it expected.
 *
 * @example
 * expect(countStatuses(responses, [201, 409])).toEqual({ 201: 1, 409: 39 });
 */
export function countStatuses(
  answers: readonly (Response | number)[],
  expected: readonly number[] = [],
): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of expected) counts[status] = 0;
  for (const answer of answers) {
    const status = typeof answer === 'number' ? answer : answer.status;
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

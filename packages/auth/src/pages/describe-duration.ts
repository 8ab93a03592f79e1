const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * A duration as a person says it, in its largest whole unit, rounded:
 * `30 days`, `2 hours`, `5 minutes`, `1 second`. Coarse on purpose, so that a
 * page says the same a few seconds later.
 *
 * @example
 * describeDuration(29.99 * 24 * 60 * 60 * 1000); // '30 days'
 */
export function describeDuration(ms: number): string {
  if (ms >= day) return count(Math.round(ms / day), 'day');
  if (ms >= hour) return count(Math.round(ms / hour), 'hour');
  if (ms >= minute) return count(Math.round(ms / minute), 'minute');
  return count(Math.max(1, Math.ceil(ms / second)), 'second');
}

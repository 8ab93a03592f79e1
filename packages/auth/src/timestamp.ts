import type { Timestamp } from '@repo/schema/database';

// SQLite's timestamps are whole seconds (Lucia's SQLite adapter); pg and
// mysql2 give Date objects.

/** A timestamp read from any dialect, as a Date. */
export function toDate(value: Timestamp): Date {
  return typeof value === 'number' ? new Date(value * 1000) : value;
}

/** `value` moved by `ms`, in the same form, so that it can be written back to the same column. */
export function shiftTimestamp<T extends Timestamp>(value: T, ms: number): T {
  if (typeof value === 'number') return (value + Math.floor(ms / 1000)) as T;
  return new Date(value.getTime() + ms) as T;
}

/** `date` in the form of `sample` (a Date, or SQLite's seconds), to write to a column like it. */
export function timestampLike<T extends Timestamp>(sample: T, date: Date): T {
  return (typeof sample === 'number' ? Math.floor(date.getTime() / 1000) : date) as T;
}

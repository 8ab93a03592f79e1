/** How many rows one statement of the sweep deletes at most. */
export const sweepBatchSize = 500;

/**
 * Deletes what `select` finds, `sweepBatchSize` rows at a time, each batch
 * two short statements, until a batch finds fewer: a backlog (a million
 * expired rows) then never holds a lock, a connection or SQLite's one
 * writer for long, and requests go on between the batches. Written here
 * because Kysely has no batched delete, and a DELETE with a LIMIT is not
 * portable (PostgreSQL has none).
 *
 * @example
 * await deleteInBatches(
 *   (limit) => db.selectFrom('auth_flow').select('id').where('expires_at_ms', '<=', now).limit(limit).execute(),
 *   (rows) => db.deleteFrom('auth_flow').where('id', 'in', rows.map((row) => row.id)).execute(),
 * );
 */
export async function deleteInBatches<Row>(
  select: (limit: number) => Promise<Row[]>,
  remove: (rows: Row[]) => Promise<unknown>,
): Promise<void> {
  for (;;) {
    const rows = await select(sweepBatchSize);
    if (rows.length > 0) await remove(rows);
    if (rows.length < sweepBatchSize) return;
  }
}

import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { pruneFlows } from './auth-flows.ts';
import { pruneVerifications } from './email-addresses.ts';
import { pruneOutbox } from './outbox.ts';
import { pruneResets } from './password-resets.ts';
import { pruneEvents } from './security-events.ts';
import { pruneSessions } from './sessions.ts';
import { pruneThrottle } from './throttle.ts';
import { pruneChallenges } from './webauthn-challenges.ts';

/**
 * Deletes what no rule needs any more, a batch at a time
 * (delete-in-batches.ts): expired sessions, throttle rows older than every
 * window, provider sign-ins past their 10 minutes, verification codes and
 * reset links expired or used, mail past its 24 hours of retries,
 * security events past their 90 days, and WebAuthn challenges past their
 * 5 minutes. Run by `startServer` once it serves, and hourly: never
 * before, so that a backlog never holds up start-up.
 */
export async function runHousekeeping(db: Kysely<Database>): Promise<void> {
  const now = Date.now();
  await pruneSessions(db, now);
  await pruneThrottle(db, now);
  await pruneFlows(db, now);
  await pruneVerifications(db, now);
  await pruneResets(db, now);
  await pruneOutbox(db, now);
  await pruneEvents(db, now);
  await pruneChallenges(db, now);
}

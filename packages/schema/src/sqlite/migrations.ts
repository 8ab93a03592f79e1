import type { Migrations } from '../migrate-to-latest.ts';
import * as authTables from './0001-auth-tables.ts';
import * as throttling from './0002-throttling.ts';
import * as throttleAttempt from './0003-throttle-attempt.ts';
import * as hashedSessionIds from './0004-hashed-session-ids.ts';
import * as providerSignIn from './0005-provider-sign-in.ts';
import * as lockVersion from './0006-lock-version.ts';
import * as recentAuthentication from './0007-recent-authentication.ts';
import * as email from './0008-email.ts';
import * as securityEvents from './0009-security-events.ts';
import * as secondFactors from './0010-second-factors.ts';
import * as passkeys from './0011-passkeys.ts';

/** Every sqlite migration, in order. Add new ones at the end; never edit an applied one. */
export const migrations: Migrations = {
  '0001-auth-tables': authTables,
  '0002-throttling': throttling,
  '0003-throttle-attempt': throttleAttempt,
  '0004-hashed-session-ids': hashedSessionIds,
  '0005-provider-sign-in': providerSignIn,
  '0006-lock-version': lockVersion,
  '0007-recent-authentication': recentAuthentication,
  '0008-email': email,
  '0009-security-events': securityEvents,
  '0010-second-factors': secondFactors,
  '0011-passkeys': passkeys,
};

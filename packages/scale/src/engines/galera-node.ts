import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { runCommand } from '@repo/testing/app-process';
import mysql from 'mysql2/promise';
import { ENGINE_BINARIES } from './engine-binaries.ts';
import { killEngine, startEngine, stopEngine } from './engine-process.ts';
import { giveToEngineUser, isRoot } from './engine-user.ts';
import {
  type GaleraNode,
  galeraNodeConfig,
  galeraNodeFiles,
  MARIADB_USER,
} from './galera-node-config.ts';
import { EngineStartError, tailLines, waitForEngine } from './wait-for-engine.ts';

/**
 * Writes the node's `my.cnf` and, for the node that bootstraps, a fresh data
 * folder (`mariadb-install-db`, root without a password over the socket).
 * The others start from an empty data folder that their first SST fills.
 */
export async function prepareGaleraNode(
  node: GaleraNode,
  cluster: readonly GaleraNode[],
  { install }: { install: boolean },
): Promise<void> {
  const files = galeraNodeFiles(node.dir);
  writeFileSync(files.config, galeraNodeConfig(node, cluster));
  mkdirSync(files.data, { recursive: true });
  giveToEngineUser(MARIADB_USER, node.dir);
  if (!install) return;
  const args = [
    '--no-defaults',
    `--datadir=${files.data}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    // Passed on to mariadbd: the redo log made at the size the nodes run with.
    '--innodb-log-file-size=16M',
    ...(isRoot() ? [`--user=${MARIADB_USER}`] : []),
  ];
  const result = await runCommand(ENGINE_BINARIES.mariadbInstallDb.path, args, { cwd: node.dir });
  if (result.code !== 0) {
    throw new EngineStartError(
      `mariadb-install-db failed for ${node.name}`,
      `exit ${result.code}`,
      result.stdout + result.stderr,
    );
  }
}

/** The end of a node's error log and of what it printed, for an error message. */
export function galeraNodeLog(node: GaleraNode): string {
  let log = '';
  try {
    log = readFileSync(galeraNodeFiles(node.dir).errorLog, 'utf8');
  } catch {
    // It failed before opening its log; what it printed says why.
  }
  return tailLines(`${log}\n${node.run?.output() ?? ''}`, 30);
}

/** How `startGaleraNode` starts a node. */
export interface StartGaleraNodeOptions {
  /** Start a new cluster (the first node only, the first time). */
  bootstrap?: boolean;
  /** `uuid:seqno` it has applied (from `recoverGaleraPosition`), so that it rejoins by IST. */
  startPosition?: string | null;
  timeoutMs?: number;
}

/**
 * Starts the node's mariadbd (bootstrapping a new cluster, or joining the
 * others) and resolves when it reports itself Synced.
 */
export async function startGaleraNode(
  node: GaleraNode,
  { bootstrap = false, startPosition = null, timeoutMs = 90_000 }: StartGaleraNodeOptions = {},
): Promise<void> {
  // --defaults-file first (mariadbd's rule), so that neither the machine's
  // /etc/mysql nor ~/.my.cnf is read; the SST scripts read this file too.
  const args = [`--defaults-file=${galeraNodeFiles(node.dir).config}`];
  if (bootstrap) args.push('--wsrep-new-cluster');
  if (startPosition) args.push(`--wsrep-start-position=${startPosition}`);
  node.run = startEngine(ENGINE_BINARIES.mariadbd.path, args, { cwd: node.dir, detached: true });
  await waitForEngine(
    `${node.name} (mariadbd on port ${node.ports.mysql}) did not reach Synced`,
    async () => {
      const [row] = await queryGaleraNode<{ Value: string }>(
        node,
        "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'",
      );
      return row?.Value === 'Synced' ? true : null;
    },
    { run: node.run, log: () => galeraNodeLog(node), timeoutMs, intervalMs: 200 },
  );
}

/**
 * The position (`uuid:seqno`) a node that was killed had reached, read back
 * from InnoDB as Debian's `galera_recovery` does. Without it, a node whose
 * `grastate.dat` says seqno -1 (every SIGKILLed one) asks for a full SST
 * instead of the IST of what it missed. `null` when none can be read.
 */
export async function recoverGaleraPosition(node: GaleraNode): Promise<string | null> {
  const { config } = galeraNodeFiles(node.dir);
  const result = await runCommand(
    ENGINE_BINARIES.mariadbd.path,
    [`--defaults-file=${config}`, '--wsrep-recover', '--disable-log-error'],
    { cwd: node.dir },
  );
  const match = `${result.stdout}${result.stderr}`.match(/WSREP: Recovered position:\s*(\S+)/);
  return match?.[1] ?? null;
}

/**
 * Runs `sql` on the node as root over its unix socket, in a connection of
 * its own (a node may have been killed since the last call).
 */
export async function queryGaleraNode<T>(
  node: GaleraNode,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const connection = await mysql.createConnection({
    socketPath: galeraNodeFiles(node.dir).socket,
    user: 'root',
    connectTimeout: 2_000,
  });
  try {
    const [rows] = await connection.query(sql, values);
    return rows as T[];
  } finally {
    await connection.end().catch(() => {});
  }
}

/** SIGKILLs the node's mariadbd and what it started; resolves when it is gone. */
export async function killGaleraNode(node: GaleraNode): Promise<void> {
  if (node.run) await killEngine(node.run);
}

/** SIGTERM (a clean leave from the cluster), SIGKILL after `graceMs`. */
export async function stopGaleraNode(node: GaleraNode, graceMs = 10_000): Promise<void> {
  if (node.run) await stopEngine(node.run, { graceMs });
}

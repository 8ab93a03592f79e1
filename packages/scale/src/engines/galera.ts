import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildRun } from '@repo/testing/app-process';
import mysql from 'mysql2/promise';
import { makeEngineDir, removeEngineDir, stopEngine } from './engine-process.ts';
import { giveToEngineUser } from './engine-user.ts';
import { findFreePorts } from './free-port.ts';
import {
  galeraNodeLog,
  killGaleraNode,
  prepareGaleraNode,
  queryGaleraNode,
  recoverGaleraPosition,
  startGaleraNode,
  stopGaleraNode,
} from './galera-node.ts';
import { type GaleraNode, MARIADB_USER } from './galera-node-config.ts';
import { startHaproxy } from './haproxy.ts';
import { trackEngineSet } from './stop-all-engines.ts';
import { waitForEngine } from './wait-for-engine.ts';

/** The user the apps connect as over TCP (no password), and HAProxy's check user. */
const APP_USER = 'app';
const CHECK_USER = 'haproxy_check';
const NODE_COUNT = 3;

/** A three-node MariaDB Galera cluster with HAProxy in front, started by `startGaleraCluster`. */
export interface GaleraCluster {
  /** `mysql://app@127.0.0.1:<port>/<database>` straight to node i (0, 1, 2). */
  nodeUrl(i: number, database: string): string;
  /** Through HAProxy's frontend that prefers node i, the others as backups. */
  preferringUrl(i: number, database: string): string;
  /** Through HAProxy's roundrobin frontend. */
  roundRobinUrl(database: string): string;
  /** Creates it on a running node; Galera replicates it to the others. */
  createDatabase(name: string): Promise<void>;
  /** SIGKILLs node i's mariadbd; resolves when the process is gone. */
  kill(i: number): Promise<void>;
  /** Starts node i again (it rejoins by IST); resolves when it is Synced and the cluster has 3 nodes again. */
  restart(i: number): Promise<void>;
  /** Runs `sql` on node i as root over its unix socket (`SHOW STATUS LIKE 'wsrep_cluster_size'`). */
  query<T>(i: number, sql: string, values?: unknown[]): Promise<T[]>;
  /** Stops HAProxy and the nodes and removes their folders; safe to call twice. */
  stop(): Promise<void>;
  /** How long the start took. */
  startMs: number;
}

/**
 * Starts three mariadbd nodes of a new Galera cluster on loopback ports of
 * their own (node 1 bootstraps, 2 and 3 join one after the other by rsync
 * SST), creates the users `app`@`%` (all privileges, no password) and
 * `haproxy_check`@`%`, then HAProxy in front. Everything lives in one temp
 * folder that `stop()` removes; a start that fails stops what it started and
 * throws with the end of the failing engine's log.
 *
 * @example
 * const cluster = await startGaleraCluster();
 * await cluster.createDatabase('app_1');
 * const pool = mysql.createPool(cluster.preferringUrl(0, 'app_1'));
 * await cluster.kill(0); // the pool's next connections reach node 2
 */
export async function startGaleraCluster(): Promise<GaleraCluster> {
  const started = Date.now();
  const root = makeEngineDir('galera');
  const ports = await findFreePorts(NODE_COUNT * 4 + NODE_COUNT + 1);
  const port = () => ports.shift() ?? 0;
  const nodes: GaleraNode[] = Array.from({ length: NODE_COUNT }, (_, i) => ({
    name: `node${i + 1}`,
    dir: join(root, `node${i + 1}`),
    ports: { mysql: port(), galera: port(), ist: port(), sst: port() },
    run: null,
  }));
  const preferringPorts = nodes.map(port);
  const roundRobinPort = port();
  let haproxy: ChildRun | null = null;
  const stop = trackEngineSet(async () => {
    if (haproxy) await stopEngine(haproxy, { graceMs: 2_000 });
    await Promise.all(nodes.map((node) => stopGaleraNode(node)));
    removeEngineDir(root);
  });

  const node = (i: number) => pick(nodes, i);
  const waitForClusterSize = (i: number) =>
    waitForEngine(
      `${node(i).name} did not see ${NODE_COUNT} nodes in the cluster`,
      async () => ((await clusterSize(node(i))) === NODE_COUNT ? true : null),
      { run: runOf(node(i)), log: () => galeraNodeLog(node(i)), timeoutMs: 30_000 },
    );

  try {
    for (const each of nodes) mkdirSync(each.dir);
    giveToEngineUser(MARIADB_USER, root);
    await Promise.all(nodes.map((each, i) => prepareGaleraNode(each, nodes, { install: i === 0 })));
    await startGaleraNode(node(0), { bootstrap: true });
    // Made before the others join, so that their SST brings the users along.
    await queryGaleraNode(node(0), `CREATE USER '${APP_USER}'@'%'`);
    await queryGaleraNode(node(0), `GRANT ALL ON *.* TO '${APP_USER}'@'%' WITH GRANT OPTION`);
    await queryGaleraNode(node(0), `CREATE USER '${CHECK_USER}'@'%'`);
    for (const joiner of nodes.slice(1)) await startGaleraNode(joiner);
    await waitForClusterSize(0);
    haproxy = await startHaproxy(root, {
      servers: nodes.map(({ name, ports }) => ({ name, port: ports.mysql })),
      preferringPorts,
      roundRobinPort,
      checkUser: CHECK_USER,
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const url = (port: number, database: string) =>
    `mysql://${APP_USER}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    nodeUrl: (i, database) => url(node(i).ports.mysql, database),
    preferringUrl: (i, database) => url(pick(preferringPorts, i), database),
    roundRobinUrl: (database) => url(roundRobinPort, database),
    async createDatabase(name) {
      const running = nodes.find((each) => isRunning(each));
      if (!running) throw new Error('no node of the cluster is running');
      await queryGaleraNode(running, `CREATE DATABASE ${mysql.escapeId(name)}`);
    },
    kill: (i) => killGaleraNode(node(i)),
    async restart(i) {
      if (isRunning(node(i))) throw new Error(`${node(i).name} is running; kill it first`);
      const startPosition = await recoverGaleraPosition(node(i));
      await startGaleraNode(node(i), { startPosition });
      await waitForClusterSize(i);
    },
    query: (i, sql, values) => queryGaleraNode(node(i), sql, values),
    stop,
    startMs: Date.now() - started,
  };
}

/** `list[i]`, or a RangeError naming the nodes there are. */
function pick<T>(list: readonly T[], i: number): T {
  const found = list[i];
  if (found === undefined)
    throw new RangeError(`no node ${i}: the nodes are 0 to ${NODE_COUNT - 1}`);
  return found;
}

function isRunning(node: GaleraNode): boolean {
  return (
    node.run !== null && node.run.child.exitCode === null && node.run.child.signalCode === null
  );
}

function runOf(node: GaleraNode): ChildRun {
  if (!node.run) throw new Error(`${node.name} was never started`);
  return node.run;
}

async function clusterSize(node: GaleraNode): Promise<number> {
  const [row] = await queryGaleraNode<{ Value: string }>(
    node,
    "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'",
  );
  return Number(row?.Value ?? 0);
}

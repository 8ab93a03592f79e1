import { join } from 'node:path';
import type { ChildRun } from '@repo/testing/app-process';
import { ENGINE_BINARIES } from './engine-binaries.ts';
import { isRoot } from './engine-user.ts';

/** The loopback ports one Galera node listens on. */
export interface GaleraNodePorts {
  /** MySQL protocol, for clients. */
  mysql: number;
  /** Group communication between the nodes (Galera's base port). */
  galera: number;
  /** Incremental state transfer, received when it rejoins. */
  ist: number;
  /** Full state transfer (the rsync daemon it runs when it joins). */
  sst: number;
}

/** One mariadbd of a Galera cluster: its folder, ports, and process while it runs. */
export interface GaleraNode {
  name: string;
  dir: string;
  ports: GaleraNodePorts;
  run: ChildRun | null;
}

/**
 * The OS user mariadbd switches to when started as root. Not root itself:
 * the joiner's rsync daemon, run as root, drops to `nobody` and then cannot
 * write the data folder, so every SST would fail.
 */
export const MARIADB_USER = 'mysql';

/** Where a node keeps what it writes. */
export function galeraNodeFiles(dir: string) {
  return {
    config: join(dir, 'my.cnf'),
    data: join(dir, 'data'),
    socket: join(dir, 'mysqld.sock'),
    errorLog: join(dir, 'error.log'),
  };
}

/**
 * A node's `my.cnf`. The short EVS timeouts let the two survivors evict a
 * killed node within seconds (the defaults take about 15 s); a SIGKILLed
 * node is not "leaving", so only these timers notice it.
 */
export function galeraNodeConfig(node: GaleraNode, cluster: readonly GaleraNode[]): string {
  const files = galeraNodeFiles(node.dir);
  const { ports } = node;
  const provider = [
    `base_port=${ports.galera}`,
    `gmcast.listen_addr=tcp://127.0.0.1:${ports.galera}`,
    `ist.recv_addr=127.0.0.1:${ports.ist}`,
    'gcache.size=64M',
    'evs.suspect_timeout=PT2S',
    'evs.inactive_timeout=PT4S',
    'evs.keepalive_period=PT0.5S',
    'evs.inactive_check_period=PT0.5S',
    'evs.install_timeout=PT4S',
  ].join(';');
  return `[mysqld]
${isRoot() ? `user=${MARIADB_USER}` : ''}
datadir=${files.data}
socket=${files.socket}
pid-file=${join(node.dir, 'mysqld.pid')}
log-error=${files.errorLog}
port=${ports.mysql}
bind-address=127.0.0.1
skip-name-resolve
max_connections=200
innodb_buffer_pool_size=32M
# Caches allocated at start whatever the load: MyISAM's and Aria's serve only
# the system tables here. Their defaults would double each node's memory.
key_buffer_size=8M
aria_pagecache_buffer_size=8M
innodb_log_buffer_size=4M
# Preallocated on each node and copied whole by every SST: 16M, not 96M.
innodb_log_file_size=16M
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
# The cluster is the durability here (and a two-core CI disk the bottleneck).
innodb_flush_log_at_trx_commit=2
wsrep_on=ON
wsrep_provider=${ENGINE_BINARIES.galera.path}
wsrep_cluster_name=scale
wsrep_cluster_address=gcomm://${cluster.map((other) => `127.0.0.1:${other.ports.galera}`).join(',')}
wsrep_node_name=${node.name}
wsrep_node_address=127.0.0.1:${ports.galera}
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:${ports.sst}
wsrep_provider_options="${provider}"
`;
}

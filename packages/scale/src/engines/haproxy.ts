import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { ChildRun } from '@repo/testing/app-process';
import { ENGINE_BINARIES } from './engine-binaries.ts';
import { startEngine, stopEngine } from './engine-process.ts';
import { waitForEngine } from './wait-for-engine.ts';

/** A MySQL-protocol server HAProxy sends to. */
export interface HaproxyServer {
  name: string;
  port: number;
}

/** The servers behind HAProxy and the ports of its frontends. */
export interface HaproxyOptions {
  servers: readonly HaproxyServer[];
  /** For each server, the port of the frontend that prefers it. */
  preferringPorts: readonly number[];
  roundRobinPort: number;
  /** The MySQL user HAProxy logs in as to check a server: it needs no privileges. */
  checkUser: string;
}

/**
 * HAProxy's configuration: per server, a frontend that sends to it and has
 * the others as backups (the first backup that is up takes over), and one
 * that spreads connections over all of them. A check logs in as `checkUser`
 * every 500 ms; two failures mark a server down and cut its connections, so
 * that clients reconnect to a backup instead of waiting on a dead socket.
 */
export function haproxyConfig({
  servers,
  preferringPorts,
  roundRobinPort,
  checkUser,
}: HaproxyOptions): string {
  const server = (s: HaproxyServer, backup: boolean) =>
    `  server ${s.name} 127.0.0.1:${s.port} check${backup ? ' backup' : ''}`;
  const preferring = servers.map((preferred, i) =>
    [
      `listen prefer-${preferred.name}`,
      `  bind 127.0.0.1:${preferringPorts[i]}`,
      server(preferred, false),
      ...servers.filter((s) => s !== preferred).map((s) => server(s, true)),
    ].join('\n'),
  );
  return `global
  maxconn 4000

defaults
  mode tcp
  timeout connect 1s
  timeout client 1h
  timeout server 1h
  option mysql-check user ${checkUser} post-41
  default-server inter 500 fall 2 rise 2 on-marked-down shutdown-sessions

${preferring.join('\n\n')}

listen round-robin
  bind 127.0.0.1:${roundRobinPort}
  balance roundrobin
${servers.map((s) => server(s, false)).join('\n')}
`;
}

/**
 * Writes the configuration into `dir` and runs HAProxy in the foreground
 * (`-db`); resolves when every frontend accepts connections.
 *
 * @example
 * const run = await startHaproxy(dir, { servers, preferringPorts, roundRobinPort, checkUser });
 */
export async function startHaproxy(dir: string, options: HaproxyOptions): Promise<ChildRun> {
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(options));
  const run = startEngine(ENGINE_BINARIES.haproxy.path, ['-db', '-f', config], { cwd: dir });
  try {
    for (const port of [...options.preferringPorts, options.roundRobinPort]) {
      await waitForEngine(`haproxy did not listen on port ${port}`, () => canConnect(port), {
        run,
        log: run.output,
        timeoutMs: 10_000,
        intervalMs: 50,
      });
    }
  } catch (error) {
    await stopEngine(run, { graceMs: 1_000 });
    throw error;
  }
  return run;
}

function canConnect(port: number): Promise<true> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', reject);
  });
}

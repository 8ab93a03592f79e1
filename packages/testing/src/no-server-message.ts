/** What `noServerMessage` needs to know of a Testcontainers start that failed. */
export interface NoServerFacts {
  /** The database as a person names it (a dialect's `title`). */
  title: string;
  /** The app whose tests need it (a dialect's `name`). */
  app: string;
  /** The variable that names a server instead (`TEST_<NAME>_URL`), and an example. */
  variable: string;
  example: string;
  /** The image Testcontainers was asked for, and the variable that names another. */
  image: string;
  imageVariable: string;
  /** The first line of Testcontainers' error. */
  reason: string;
  /** Whether the container started (its log was attached) before the failure. */
  started: boolean;
  /** `DOCKER_HOST`, when set. */
  dockerHost: string | undefined;
  /** Where the container's log was kept. */
  logFile: string;
}

/**
 * Where Testcontainers stopped. It first looks for an engine (and says so in
 * words of its own when none answers), then pulls what is missing (the
 * image, and its ryuk image unless TESTCONTAINERS_RYUK_DISABLED), then starts
 * the container and waits for its server.
 */
export type ContainerFailure = 'no-engine' | 'no-image' | 'not-ready';

/** Testcontainers' own words when no strategy (DOCKER_HOST, the usual sockets) reached an engine. */
const noEngine = 'Could not find a working container runtime strategy';

/**
 * Which step a Testcontainers start failed at, from its first line and
 * whether the container had started.
 *
 * @example
 * classifyContainerFailure('Could not find a working container runtime strategy', false); // 'no-engine'
 */
export function classifyContainerFailure(reason: string, started: boolean): ContainerFailure {
  if (reason.includes(noEngine)) return 'no-engine';
  return started ? 'not-ready' : 'no-image';
}

/**
 * The paragraph a test run prints when it has no database server: which of
 * the three steps failed, and the two ways to get a server. "Start Docker"
 * only when no engine answered: an engine that runs but has not the image
 * (and no registry to pull it from) needs another remedy.
 *
 * @example
 * noServerMessage({ title: dialect.title, app: dialect.name, ...dialect.server, reason, started, dockerHost, logFile });
 */
export function noServerMessage(facts: NoServerFacts): string {
  const { title, app, variable, example, image, imageVariable, reason, dockerHost } = facts;
  const byUrl = `  - name a server whose user may create databases: ${variable}=${example} pnpm test`;
  // Testcontainers tries DOCKER_HOST, then /var/run/docker.sock (seen when
  // DOCKER_HOST named a socket that did not answer): the engine that
  // answered may not be the one DOCKER_HOST names.
  const tried = dockerHost
    ? `DOCKER_HOST (${dockerHost}), then /var/run/docker.sock`
    : "/var/run/docker.sock and a rootless Docker's socket";
  const answered = dockerHost
    ? 'Docker answered (through DOCKER_HOST or, where that did not answer, /var/run/docker.sock)'
    : 'Docker answered';
  const lines = {
    'no-engine': [
      `No ${title} server for the ${app} app's tests, so they did not run: no Docker engine answered (Testcontainers tried ${tried}). Either:`,
      byUrl,
      `  - or start Docker, so that Testcontainers can run ${image} (${imageVariable} names another image).`,
    ],
    'no-image': [
      `No ${title} server for the ${app} app's tests, so they did not run: ${answered}, but an image could not be had: ${image} is not on that engine and could not be pulled (or, if it is there, Testcontainers' ryuk image is not; TESTCONTAINERS_RYUK_DISABLED=true does without it). Either:`,
      byUrl,
      `  - or give that engine the image: \`docker pull ${image}\` where a registry is reachable, or name one it has with ${imageVariable} (\`docker images\` lists them).`,
    ],
    'not-ready': [
      `No ${title} server for the ${app} app's tests, so they did not run: the container of ${image} started, but its server did not become ready (its log: ${facts.logFile}). Either:`,
      byUrl,
      `  - or name another image with ${imageVariable}.`,
    ],
  }[classifyContainerFailure(reason, facts.started)];
  return [...lines, `Testcontainers said: ${reason}`].join('\n');
}

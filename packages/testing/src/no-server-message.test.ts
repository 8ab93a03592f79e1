import { describe, expect, it } from 'vitest';
import {
  classifyContainerFailure,
  type NoServerFacts,
  noServerMessage,
} from './no-server-message.ts';

// Testcontainers' first lines, as seen here: no engine at DOCKER_HOST nor at
// /var/run/docker.sock; an engine with no registry to pull from.
const noEngine = 'Could not find a working container runtime strategy';
const noPull =
  '(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host';

const facts: NoServerFacts = {
  title: 'PostgreSQL',
  app: 'postgres',
  variable: 'TEST_POSTGRES_URL',
  example: 'postgres://postgres@127.0.0.1:5432/postgres',
  image: 'postgres:17-alpine',
  imageVariable: 'TEST_POSTGRES_IMAGE',
  reason: noEngine,
  started: false,
  dockerHost: undefined,
  logFile: '/tmp/testcontainers-postgres.log',
};

describe('classifyContainerFailure', () => {
  it('tells no engine, no image and a server that never became ready apart', () => {
    expect(classifyContainerFailure(noEngine, false)).toBe('no-engine');
    expect(classifyContainerFailure(noPull, false)).toBe('no-image');
    expect(classifyContainerFailure('Log stream ended and message was not received', true)).toBe(
      'not-ready',
    );
  });
});

describe('noServerMessage', () => {
  it('says to start Docker only when no engine answered', () => {
    const message = noServerMessage(facts);
    expect(message).toContain('no Docker engine answered');
    expect(message).toContain('start Docker');
    expect(message).toContain('tried /var/run/docker.sock');
    expect(message).toContain('TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres');
    expect(message.split('\n').at(-1)).toBe(`Testcontainers said: ${noEngine}`);
  });

  it('says that Docker answered but the image could not be had, and which engine it reached', () => {
    const message = noServerMessage({
      ...facts,
      reason: noPull,
      dockerHost: 'unix:///run/user/1000/docker.sock',
    });
    expect(message).not.toContain('start Docker');
    expect(message).toContain('Docker answered');
    expect(message).toContain('docker pull postgres:17-alpine');
    expect(message).toContain('TEST_POSTGRES_IMAGE');
    expect(message).toContain(
      'through DOCKER_HOST or, where that did not answer, /var/run/docker.sock',
    );
  });

  it('points at the container log when the container started', () => {
    const message = noServerMessage({ ...facts, reason: 'timed out', started: true });
    expect(message).not.toContain('start Docker');
    expect(message).toContain('/tmp/testcontainers-postgres.log');
  });
});

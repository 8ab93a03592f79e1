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

// A dialect of no app here, so that the test reads the same in every fork.
const facts: NoServerFacts = {
  title: 'ExampleDB',
  app: 'example',
  variable: 'TEST_EXAMPLE_URL',
  example: 'example://root@127.0.0.1:4000/',
  image: 'example:1',
  imageVariable: 'TEST_EXAMPLE_IMAGE',
  reason: noEngine,
  started: false,
  dockerHost: undefined,
  logFile: '/tmp/testcontainers-example.log',
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
    expect(message).toContain('TEST_EXAMPLE_URL=example://root@127.0.0.1:4000/');
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
    expect(message).toContain('docker pull example:1');
    expect(message).toContain('TEST_EXAMPLE_IMAGE');
    expect(message).toContain(
      'through DOCKER_HOST or, where that did not answer, /var/run/docker.sock',
    );
  });

  it('points at the container log when the container started', () => {
    const message = noServerMessage({ ...facts, reason: 'timed out', started: true });
    expect(message).not.toContain('start Docker');
    expect(message).toContain('/tmp/testcontainers-example.log');
  });
});

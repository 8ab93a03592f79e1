import { describe, expect, it } from 'vitest';
import { parseProviderConfig } from './provider-config.ts';

const gitlab = {
  AUTH_PROVIDERS: 'gitlab',
  AUTH_GITLAB_ISSUER: 'https://gitlab.com',
  AUTH_GITLAB_CLIENT_ID: 'app-id',
  AUTH_GITLAB_CLIENT_SECRET: 'app-secret',
};

describe('parseProviderConfig', () => {
  it('offers no provider when AUTH_PROVIDERS is unset', () => {
    expect(parseProviderConfig({})).toEqual({ ok: true, providers: [] });
  });

  it('reads each provider, its label defaulting to the name capitalised', () => {
    const result = parseProviderConfig({
      ...gitlab,
      AUTH_PROVIDERS: 'gitlab, local',
      AUTH_LOCAL_ISSUER: 'http://127.0.0.1:9000',
      AUTH_LOCAL_CLIENT_ID: 'app',
      AUTH_LOCAL_CLIENT_SECRET: 'secret',
      AUTH_LOCAL_LABEL: 'Local provider',
    });
    expect(result).toEqual({
      ok: true,
      providers: [
        {
          name: 'gitlab',
          issuer: 'https://gitlab.com',
          clientId: 'app-id',
          clientSecret: 'app-secret',
          label: 'Gitlab',
        },
        {
          name: 'local',
          issuer: 'http://127.0.0.1:9000',
          clientId: 'app',
          clientSecret: 'secret',
          label: 'Local provider',
        },
      ],
    });
  });

  it.each([
    [{ AUTH_PROVIDERS: 'Git-Lab' }, 'AUTH_PROVIDERS'],
    [{ AUTH_PROVIDERS: 'username' }, 'AUTH_PROVIDERS'],
    [{ AUTH_PROVIDERS: 'gitlab,gitlab' }, 'AUTH_PROVIDERS'],
    [{ AUTH_GITLAB_ISSUER: undefined }, 'AUTH_GITLAB_ISSUER'],
    [{ AUTH_GITLAB_ISSUER: 'http://gitlab.example.com' }, 'AUTH_GITLAB_ISSUER'],
    [{ AUTH_GITLAB_ISSUER: 'http://localhost.example.com' }, 'AUTH_GITLAB_ISSUER'],
    [{ AUTH_GITLAB_ISSUER: 'ftp://gitlab.com' }, 'AUTH_GITLAB_ISSUER'],
    [{ AUTH_GITLAB_CLIENT_ID: '' }, 'AUTH_GITLAB_CLIENT_ID'],
    [{ AUTH_GITLAB_CLIENT_SECRET: undefined }, 'AUTH_GITLAB_CLIENT_SECRET'],
  ])('refuses %o, naming %s and never the value', (change, variable) => {
    const result = parseProviderConfig({ ...gitlab, ...change });
    expect(result).toMatchObject({ ok: false, variable });
    expect(JSON.stringify(result)).not.toContain('app-secret');
  });

  it('allows http:// for localhost and 127.0.0.1 only', () => {
    for (const host of ['localhost:8080', '127.0.0.1:9000']) {
      expect(parseProviderConfig({ ...gitlab, AUTH_GITLAB_ISSUER: `http://${host}` }).ok).toBe(
        true,
      );
    }
  });
});

describe('parseProviderConfig on a malformed issuer', () => {
  it.each(['not-a-url', 'https://', '://x', 'http//example.com'])(
    'names AUTH_GITLAB_ISSUER for %j, and throws nothing',
    (value) => {
      const result = parseProviderConfig({ ...gitlab, AUTH_GITLAB_ISSUER: value });
      expect(result).toMatchObject({ ok: false, variable: 'AUTH_GITLAB_ISSUER' });
    },
  );
});

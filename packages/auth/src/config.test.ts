import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  databasePath,
  databaseUrl,
  describeDatabaseUrl,
  parseConfig,
  poolSize,
  resolveOrigin,
} from './config.ts';

const serverApp = {
  URL: databaseUrl('postgres://postgres:postgres@localhost:5432/app', ['postgres', 'postgresql']),
  POOL: poolSize(),
};

describe('parseConfig', () => {
  it('takes the defaults of docs/API.md, and an empty variable as unset', () => {
    const config = parseConfig({ PORT: '', LOG_LEVEL: '' }, { FILE: databasePath('data/app.db') });
    expect(config).toEqual({
      PORT: 3000,
      HOST: '127.0.0.1',
      TRUST_PROXY: false,
      RATE_LIMIT_SIGNIN_IP: 10,
      RATE_LIMIT_SIGNUP_IP: 30,
      RATE_LIMIT_PROVIDER_IP: 60,
      LOG_LEVEL: 'info',
      FILE: 'data/app.db',
      providers: [],
    });
    expect(resolveOrigin(config, 4321)).toBe('http://localhost:4321');
  });

  it('reads each variable in its form', () => {
    const config = parseConfig(
      {
        PORT: '0',
        ORIGIN: 'https://auth.example.com',
        TRUST_PROXY: 'true',
        URL: 'postgresql://app@db:5432/app',
        POOL: '25',
      },
      serverApp,
    );
    expect(config).toMatchObject({ PORT: 0, TRUST_PROXY: true, POOL: 25 });
    expect(resolveOrigin(config, 4321)).toBe('https://auth.example.com');
    expect(parseConfig({}, serverApp).POOL).toBeUndefined();
  });

  it.each([
    ['PORT', '70000'],
    ['ORIGIN', 'https://auth.example.com/'],
    ['ORIGIN', 'https://auth.example.com/path'],
    ['ORIGIN', 'ftp://auth.example.com'],
    ['TRUST_PROXY', 'yes'],
    ['RATE_LIMIT_SIGNIN_IP', 'many'],
    ['RATE_LIMIT_PROVIDER_IP', 'lots'],
    ['LOG_LEVEL', 'loud'],
    ['URL', 'mysql://app:s3cret@db/app'],
    ['POOL', '-1'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['SMTP_URL', 'smtp//user:s3cret@mail'],
    ['MAIL_FROM', 'Auth <nobody>'],
  ])('refuses %s=%s with a message that names it and not its value', (name, value) => {
    const parse = () => parseConfig({ [name]: value }, serverApp);
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(new RegExp(`^${name}: `));
    try {
      parse();
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });
});

describe('mail settings', () => {
  it('reads SMTP_URL and MAIL_FROM together', () => {
    const config = parseConfig(
      { SMTP_URL: 'smtps://app:s3cret@mail.example.com:465', MAIL_FROM: 'Auth <auth@example.com>' },
      serverApp,
    );
    expect(config).toMatchObject({
      SMTP_URL: 'smtps://app:s3cret@mail.example.com:465',
      MAIL_FROM: 'Auth <auth@example.com>',
    });
    expect(parseConfig({ MAIL_FROM: 'auth@example.com' }, serverApp).SMTP_URL).toBeUndefined();
  });

  it('refuses SMTP_URL without MAIL_FROM, naming MAIL_FROM and not the URL', () => {
    const parse = () => parseConfig({ SMTP_URL: 'smtp://app:s3cret@mail:587' }, serverApp);
    expect(parse).toThrow(/^MAIL_FROM: required when SMTP_URL is set$/);
  });

  it('reads AUTH_ENCRYPTION_KEY as 32 bytes, and names it, never its value, when it is not', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(parseConfig({ AUTH_ENCRYPTION_KEY: key }, serverApp).AUTH_ENCRYPTION_KEY).toEqual(
      Buffer.alloc(32, 7),
    );
    expect(parseConfig({}, serverApp).AUTH_ENCRYPTION_KEY).toBeUndefined();
    const short = Buffer.alloc(16, 7).toString('base64');
    const parse = () => parseConfig({ AUTH_ENCRYPTION_KEY: short }, serverApp);
    expect(parse).toThrow(/^AUTH_ENCRYPTION_KEY: expected 32 random bytes in base64$/);
  });
});

describe('describeDatabaseUrl', () => {
  it('names a server by host, port and database, never with its password', () => {
    const named = describeDatabaseUrl(
      'PostgreSQL',
      'postgres://app:s3cret@db.example.com:6432/app',
    );
    expect(named).toBe('PostgreSQL at db.example.com:6432/app');
  });
});

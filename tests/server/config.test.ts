import { loadConfig } from '../../server/config';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      redisUrl: undefined,
      port: 4000,
      publicOrigins: ['http://localhost:4000'],
      production: false,
      dataDir: '.data',
      clientDir: 'dist/client',
      rateLimitScale: 1,
      trustProxy: false,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/lex',
      DATABASE_APP_URL: 'postgres://app@db:5432/lex',
      REDIS_URL: 'redis://cache:6379',
      PORT: '8080',
      PUBLIC_ORIGIN: 'https://support.lex.example, https://lex.example/',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://u@db:5432/lex',
      databaseAppUrl: 'postgres://app@db:5432/lex',
      redisUrl: 'redis://cache:6379',
      port: 8080,
      publicOrigins: ['https://support.lex.example', 'https://lex.example'],
      production: true,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT/],
    [{ PORT: '70000' }, /^PORT/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /^DATABASE_URL/],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL/],
    [{ DATABASE_APP_URL: 'http://db' }, /^DATABASE_APP_URL/],
    [{ DATABASE_APP_URL: 'postgres://app@db:5432/lex' }, /^DATABASE_APP_URL/],
    [{ REDIS_URL: 'http://cache' }, /^REDIS_URL/],
    [{ PUBLIC_ORIGIN: 'https://lex.example/app' }, /^PUBLIC_ORIGIN/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV/],
    [{ RATE_LIMIT_SCALE: '0' }, /^RATE_LIMIT_SCALE/],
    [{ TRUST_PROXY: 'nginx' }, /^TRUST_PROXY/],
  ])('refuses %j with a message that names the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

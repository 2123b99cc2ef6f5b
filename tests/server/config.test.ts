import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../../server/config';
import { parseBusinessHours } from '../../server/lifecycle/business-hours';

const pem = (type: 'ed25519' | 'x448') =>
  generateKeyPairSync(type as 'ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      redisUrl: undefined,
      redisPrefix: 'lex_support',
      port: 4000,
      publicOrigins: ['http://localhost:4000'],
      production: false,
      dataDir: '.data',
      clientDir: 'dist/client',
      rateLimitScale: 1,
      trustProxy: false,
      // Outside production, sign-in from Lex works with the development key (npm run sso -- token).
      sso: { issuer: 'lex-development', audience: 'lex-support', keys: { kind: 'development', dataDir: '.data' }, only: false },
      attachments: { maxBytes: 25 * 1024 * 1024, storage: { kind: 'disk', dir: '.data/attachments' }, receivingDir: '.data/uploads' },
      // No SMTP_URL: development keeps every email in the outbox (/dev/mailbox).
      email: {
        mailFrom: 'Lex Support <support@localhost>',
        mailFromAddress: 'support@localhost',
        inboundDomain: 'localhost',
        notifyDelayS: 60,
        publicUrl: 'http://localhost:4000',
        keepOutbox: true,
      },
      // Mon–Fri 09:00–17:00 in Amsterdam, no holidays; a first response within 8 of those hours.
      lifecycle: {
        businessHours: { days: new Set([1, 2, 3, 4, 5]), opensAt: 540, closesAt: 1020, timeZone: 'Europe/Amsterdam', holidays: new Set() },
        slaFirstResponseHours: 8,
        // An answered ticket closes after a week without the customer's reply.
        autoCloseAfterHours: 168,
      },
    });
  });

  it('reads the lifecycle settings', () => {
    const { lifecycle } = loadConfig({
      BUSINESS_HOURS: 'Mon-Thu 08:30-16:30 Europe/Brussels',
      BUSINESS_HOLIDAYS: '2026-12-25,2026-12-26',
      SLA_FIRST_RESPONSE_HOURS: '0.5',
      AUTO_CLOSE_AFTER_HOURS: '0.001',
    });
    expect(lifecycle).toEqual({
      businessHours: parseBusinessHours('Mon-Thu 08:30-16:30 Europe/Brussels', '2026-12-25,2026-12-26'),
      slaFirstResponseHours: 0.5,
      autoCloseAfterHours: 0.001,
    });
    // 0 turns auto-close off.
    expect(loadConfig({ AUTO_CLOSE_AFTER_HOURS: '0' }).lifecycle.autoCloseAfterHours).toBeNull();
  });

  it('reads the email settings', () => {
    const env = {
      SMTP_URL: 'smtps://u:p@mail.example:465',
      MAIL_FROM: 'Lex Support <Support@Lex.example>',
      INBOUND_SMTP_PORT: '2525',
      INBOUND_DOMAIN: 'reply.lex.example',
      NOTIFY_DELAY_S: '0',
    };
    expect(loadConfig({ ...env, NODE_ENV: 'production' }).email).toEqual({
      smtpUrl: 'smtps://u:p@mail.example:465',
      mailFrom: 'Lex Support <Support@Lex.example>',
      mailFromAddress: 'support@lex.example',
      inboundSmtpPort: 2525,
      inboundDomain: 'reply.lex.example',
      notifyDelayS: 0,
      publicUrl: 'http://localhost:4000',
      keepOutbox: false,
    });
  });

  it('has sign-in from Lex off in production unless it is configured', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).sso).toBeUndefined();
  });

  it('reads sign-in from Lex with a PEM key (also with \\n escapes on one line) or a JWKS URL', () => {
    const key = pem('ed25519');
    const withPem = loadConfig({
      NODE_ENV: 'production',
      SSO_ISSUER: 'https://lex.example',
      SSO_PUBLIC_KEY: key.replace(/\n/g, '\\n'),
      SSO_ONLY: 'true',
    });
    expect(withPem.sso).toMatchObject({ issuer: 'https://lex.example', audience: 'lex-support', only: true, keys: { kind: 'pem' } });
    const withJwks = loadConfig({
      SSO_ISSUER: 'https://lex.example',
      SSO_AUDIENCE: 'support',
      SSO_JWKS_URL: 'https://lex.example/.well-known/jwks.json',
    });
    expect(withJwks.sso).toEqual({
      issuer: 'https://lex.example',
      audience: 'support',
      only: false,
      keys: { kind: 'jwks', url: 'https://lex.example/.well-known/jwks.json' },
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
      ATTACHMENT_MAX_MB: '10',
      STORAGE_URL: 's3://lex-files?endpoint=http://minio:9000&region=eu-west-1&forcePathStyle=true',
    });
    expect(config).toMatchObject({
      attachments: {
        maxBytes: 10 * 1024 * 1024,
        storage: { kind: 's3', bucket: 'lex-files', endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true },
      },
      databaseUrl: 'postgres://u@db:5432/lex',
      databaseAppUrl: 'postgres://app@db:5432/lex',
      redisUrl: 'redis://cache:6379',
      redisPrefix: 'lex',
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
    [{ SSO_ISSUER: 'lex', SSO_PUBLIC_KEY: 'not a key' }, /^SSO_PUBLIC_KEY is not a PEM public key/],
    [{ SSO_ISSUER: 'lex', SSO_PUBLIC_KEY: pem('x448') }, /^SSO_PUBLIC_KEY must be an Ed25519, P-256 or RSA public key/],
    [
      { SSO_ISSUER: 'lex', SSO_PUBLIC_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
      /^SSO_PUBLIC_KEY holds a private key/,
    ],
    [{ SSO_ISSUER: 'lex', SSO_JWKS_URL: 'not a url' }, /^SSO_JWKS_URL/],
    [{ NODE_ENV: 'production', SSO_ISSUER: 'lex', SSO_JWKS_URL: 'http://lex.example/jwks.json' }, /^SSO_JWKS_URL must start with https:/],
    [{ SSO_PUBLIC_KEY: pem('ed25519') }, /^SSO_ISSUER/],
    [{ SSO_ISSUER: 'lex' }, /^SSO_ISSUER needs SSO_PUBLIC_KEY or SSO_JWKS_URL/],
    [
      { SSO_ISSUER: 'lex', SSO_PUBLIC_KEY: pem('ed25519'), SSO_JWKS_URL: 'https://lex.example/jwks.json' },
      /^SSO_PUBLIC_KEY and SSO_JWKS_URL are both set/,
    ],
    [{ SSO_ONLY: 'yes' }, /^SSO_ONLY/],
    [{ SMTP_URL: 'http://mail.example' }, /^SMTP_URL/],
    [{ MAIL_FROM: 'Lex Support' }, /^MAIL_FROM/],
    [{ INBOUND_SMTP_PORT: 'twentyfive' }, /^INBOUND_SMTP_PORT/],
    [{ INBOUND_DOMAIN: 'reply lex' }, /^INBOUND_DOMAIN/],
    [{ NOTIFY_DELAY_S: '-1' }, /^NOTIFY_DELAY_S/],
    [{ SSO_ONLY: 'true' }, /^SSO_ONLY=true needs SSO_ISSUER/],
    [{ REDIS_PREFIX: 'lex support' }, /^REDIS_PREFIX/],
    [{ REDIS_PREFIX: 'x'.repeat(65) }, /^REDIS_PREFIX/],
    [{ ATTACHMENT_MAX_MB: 'lots' }, /^ATTACHMENT_MAX_MB/],
    [{ ATTACHMENT_MAX_MB: '4096' }, /^ATTACHMENT_MAX_MB/],
    [{ STORAGE_URL: 'ftp://files' }, /^STORAGE_URL must start with s3:/],
    [{ STORAGE_URL: 's3://bucket?endpoint=minio:9000' }, /^STORAGE_URL endpoint/],
    [{ STORAGE_URL: 's3://bucket?region=eu&acl=public-read' }, /^STORAGE_URL has an unknown parameter "acl"/],
    [{ STORAGE_URL: 's3://bucket?forcePathStyle=yes' }, /^STORAGE_URL forcePathStyle/],
    [{ BUSINESS_HOURS: 'weekdays 9 to 5' }, /^BUSINESS_HOURS must look like "Mon-Fri 09:00-17:00 Europe\/Amsterdam"/],
    [{ BUSINESS_HOURS: 'Mon-Fri 09:00-17:00 Mars/Olympus' }, /^BUSINESS_HOURS has an unknown time zone/],
    [{ BUSINESS_HOURS: 'Mon-Fri 17:00-09:00 UTC' }, /^BUSINESS_HOURS must close after it opens/],
    [{ BUSINESS_HOLIDAYS: '2026-12-25,Christmas' }, /^BUSINESS_HOLIDAYS has "Christmas"/],
    [{ BUSINESS_HOLIDAYS: '2026-13-01' }, /^BUSINESS_HOLIDAYS has "2026-13-01"/],
    [{ SLA_FIRST_RESPONSE_HOURS: 'eight' }, /^SLA_FIRST_RESPONSE_HOURS/],
    [{ SLA_FIRST_RESPONSE_HOURS: '0' }, /^SLA_FIRST_RESPONSE_HOURS/],
    [{ SLA_FIRST_RESPONSE_HOURS: '-8' }, /^SLA_FIRST_RESPONSE_HOURS/],
    [{ AUTO_CLOSE_AFTER_HOURS: 'a week' }, /^AUTO_CLOSE_AFTER_HOURS must be a number of hours from 0 \(off\) up to 8760, got "a week"/],
    [{ AUTO_CLOSE_AFTER_HOURS: '-1' }, /^AUTO_CLOSE_AFTER_HOURS/],
    [{ AUTO_CLOSE_AFTER_HOURS: '10000' }, /^AUTO_CLOSE_AFTER_HOURS/],
  ])('refuses %j with a message that names the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes REDIS_PREFIX as given, or else from the database name', () => {
    expect(loadConfig({ REDIS_PREFIX: 'desk-a' }).redisPrefix).toBe('desk-a');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/lex%20b' }).redisPrefix).toBe('lex_b');
  });
});

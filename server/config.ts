import { createPublicKey, KeyObject } from 'node:crypto';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { DEFAULT_ATTACHMENT_MAX_MB } from './contract';
import { BusinessHours, DEFAULT_BUSINESS_HOURS, parseBusinessHours, parseHolidays } from './lifecycle/business-hours';

/** Where the public keys that verify Lex's sign-in tokens come from. */
export type SsoKeySource =
  | { kind: 'pem'; key: KeyObject }
  | { kind: 'jwks'; url: string }
  /** Outside production with no SSO_* set: the key pair `npm run sso -- token` signs with, kept under DATA_DIR. */
  | { kind: 'development'; dataDir: string };

export interface SsoConfig {
  issuer: string;
  audience: string;
  keys: SsoKeySource;
  /** Customers may not sign in with a password. */
  only: boolean;
}

/** The issuer of development tokens, when no SSO_* variable is set outside production. */
export const DEVELOPMENT_SSO_ISSUER = 'lex-development';

export interface Config {
  /** Unset: an embedded PostgreSQL under `.data/` is started. */
  databaseUrl?: string;
  /** The login role the server's own connections use; unset: derived from DATABASE_URL (server/db/app-login.ts). */
  databaseAppUrl?: string;
  /** Unset: in-process pub/sub, fit for one instance only. */
  redisUrl?: string;
  /** Starts every Redis channel and key, so that deployments sharing one Redis never hear each other. */
  redisPrefix: string;
  port: number;
  /** Browser origins allowed to call the API and open WebSockets. */
  publicOrigins: string[];
  production: boolean;
  /** Where the embedded PostgreSQL keeps its files. */
  dataDir: string;
  /** Served as the web app when the folder exists. */
  clientDir: string;
  /** Multiplies every rate limit (load tests raise it). */
  rateLimitScale: number;
  /**
   * The proxies whose X-Forwarded-For names the client (for per-address limits), as Express's
   * `trust proxy` takes them: a number of hops, or addresses, CIDR ranges and proxy-addr's names
   * (`loopback`, `linklocal`, `uniquelocal`). `false`: the peer is the client.
   */
  trustProxy: number | string[] | false;
  /** Unset: GET /sso is off (in production) or uses the development key (elsewhere). */
  sso?: SsoConfig;
  email: EmailConfig;
  attachments: AttachmentsConfig;
  lifecycle: LifecycleConfig;
}

/** Service levels (docs/architecture.md §10). */
export interface LifecycleConfig {
  /** `BUSINESS_HOURS` with `BUSINESS_HOLIDAYS`. */
  businessHours: BusinessHours;
  /** `SLA_FIRST_RESPONSE_HOURS`: business hours from a new ticket to its first public team reply. */
  slaFirstResponseHours: number;
  /** `AUTO_CLOSE_AFTER_HOURS`: wall-clock hours an answered ticket waits for the customer before it closes; null: off (0). */
  autoCloseAfterHours: number | null;
}

/** A year: longer than any sensible wait, short enough for a job's time. */
const MAX_AUTO_CLOSE_HOURS = 8760;

/** Where attachments are kept: a folder, or a bucket of any S3-compatible store. */
export type StorageConfig =
  { kind: 'disk'; dir: string } | { kind: 's3'; bucket: string; endpoint?: string; region: string; forcePathStyle: boolean };

export interface AttachmentsConfig {
  /** Largest file accepted, in bytes (`ATTACHMENT_MAX_MB`). */
  maxBytes: number;
  storage: StorageConfig;
  /** Where uploads are written while they arrive (`DATA_DIR/uploads`): on disk, not a /tmp that may live in memory. */
  receivingDir: string;
}

/** Email out and in (docs/architecture.md, email). */
export interface EmailConfig {
  /** smtp:// (STARTTLS when offered) or smtps://; unset: kept in the outbox (development) or off (production). */
  smtpUrl?: string;
  /** The From header, e.g. `Lex Support <support@lex.example>`. */
  mailFrom: string;
  /** The bare address of `mailFrom`: mail to it with no ticket reference opens a ticket. */
  mailFromAddress: string;
  /** The in-process SMTP server's port; unset: no mail is received. */
  inboundSmtpPort?: number;
  /** Reply addresses are `reply+<token>@inboundDomain`; also the domain of our Message-IDs. */
  inboundDomain: string;
  /** The grace window before a Lex-team reply is emailed to the customer, in seconds. */
  notifyDelayS: number;
  /** Where links in emails point: the first public origin. */
  publicUrl: string;
  /** Development and tests keep unsent mail in the outbox for /dev/mailbox; production sends or drops. */
  keepOutbox: boolean;
}

export class ConfigError extends Error {}

function parsePort(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function parseScale(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new ConfigError(`RATE_LIMIT_SCALE must be a positive number, got "${raw}"`);
  return scale;
}

function parseUrl(name: string, raw: string | undefined, protocols: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** The embedded database's name (server/db/embedded-postgres.ts) when DATABASE_URL is unset. */
const EMBEDDED_DATABASE = 'lex_support';
const REDIS_PREFIX = /^[A-Za-z0-9_.-]{1,64}$/;

/** The default REDIS_PREFIX: the database's name, so that two deployments on two databases never meet. */
export function defaultRedisPrefix(databaseUrl: string | undefined): string {
  const name = databaseUrl ? decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) : EMBEDDED_DATABASE;
  return (name || 'postgres').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

function parseRedisPrefix(raw: string | undefined, databaseUrl: string | undefined): string {
  if (raw === undefined || raw === '') return defaultRedisPrefix(databaseUrl);
  if (!REDIS_PREFIX.test(raw)) {
    throw new ConfigError(`REDIS_PREFIX must be 1 to 64 letters, digits, "_", "." or "-", got "${raw.slice(0, 80)}"`);
  }
  return raw;
}

function parseDelay(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 60;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400)
    throw new ConfigError(`NOTIFY_DELAY_S must be a number of seconds from 0 to 86400, got "${raw}"`);
  return seconds;
}

const ADDRESS = /^[^\s@<>]+@([a-z0-9-]+\.)*[a-z0-9-]+$/i;

/** `Name <address>` or a bare address. */
function parseMailFrom(raw: string | undefined): { mailFrom: string; address: string } {
  const mailFrom = raw?.trim() || 'Lex Support <support@localhost>';
  const address = (/<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom).trim();
  if (!ADDRESS.test(address)) throw new ConfigError(`MAIL_FROM must be an address like "Lex Support <support@lex.example>", got "${raw}"`);
  return { mailFrom, address: address.toLowerCase() };
}

function parseDomain(raw: string | undefined, fallback: string): string {
  const domain = (raw?.trim() || fallback).toLowerCase();
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$/.test(domain))
    throw new ConfigError(`INBOUND_DOMAIN must be a domain name like lex.example, got "${raw}"`);
  return domain;
}

export function parseEmailConfig(env: NodeJS.ProcessEnv, publicUrl: string, production: boolean): EmailConfig {
  const { mailFrom, address } = parseMailFrom(env.MAIL_FROM);
  const inboundPort = env.INBOUND_SMTP_PORT;
  return {
    smtpUrl: parseUrl('SMTP_URL', env.SMTP_URL, ['smtp:', 'smtps:']),
    mailFrom,
    mailFromAddress: address,
    inboundSmtpPort: inboundPort === undefined || inboundPort === '' ? undefined : parsePort('INBOUND_SMTP_PORT', inboundPort, 0),
    inboundDomain: parseDomain(env.INBOUND_DOMAIN, address.split('@')[1]),
    notifyDelayS: parseDelay(env.NOTIFY_DELAY_S),
    publicUrl,
    keepOutbox: !production,
  };
}

function parseOrigins(raw: string): string[] {
  return raw.split(',').map((part) => {
    const trimmed = part.trim();
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new ConfigError(`PUBLIC_ORIGIN has an invalid origin "${trimmed}"`);
    }
    if (url.origin !== trimmed.replace(/\/$/, '')) {
      throw new ConfigError(`PUBLIC_ORIGIN entries must be bare origins like https://support.example.com, got "${trimmed}"`);
    }
    return url.origin;
  });
}

function parseTrustProxy(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw.trim() === '') return false;
  if (/^\d+$/.test(raw.trim())) return Number(raw) || false;
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    try {
      proxyaddr.compile(entry);
    } catch {
      throw new ConfigError(
        `TRUST_PROXY must be a number of hops or addresses, CIDR ranges, loopback, linklocal or uniquelocal, got "${entry}"`,
      );
    }
  }
  return entries;
}

// Only the key types of the algorithms accepted (EdDSA, ES256, RS256); an HMAC secret is never a key here.
function parsePublicKey(raw: string): KeyObject {
  // Node would derive the public key from a private one; Lex's private key has no business here.
  if (raw.includes('PRIVATE KEY')) throw new ConfigError('SSO_PUBLIC_KEY holds a private key: give Lex Support the public key only');
  let key: KeyObject;
  try {
    // Environments often hold a PEM on one line with literal \n escapes.
    key = createPublicKey(raw.replace(/\\n/g, '\n'));
  } catch {
    throw new ConfigError('SSO_PUBLIC_KEY is not a PEM public key');
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'rsa' || (key.asymmetricKeyType === 'ec' && curve === 'prime256v1'))
    return key;
  throw new ConfigError(
    `SSO_PUBLIC_KEY must be an Ed25519, P-256 or RSA public key, got ${key.asymmetricKeyType}${curve ? ` ${curve}` : ''}`,
  );
}

function parseBoolean(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function parseSso(env: NodeJS.ProcessEnv, production: boolean, dataDir: string): SsoConfig | undefined {
  const issuer = env.SSO_ISSUER?.trim();
  const pem = env.SSO_PUBLIC_KEY?.trim();
  const jwksUrl = parseUrl('SSO_JWKS_URL', env.SSO_JWKS_URL, production ? ['https:'] : ['https:', 'http:']);
  const only = parseBoolean('SSO_ONLY', env.SSO_ONLY);
  const audience = env.SSO_AUDIENCE?.trim() || 'lex-support';
  if (!issuer && !pem && !jwksUrl) {
    if (only)
      throw new ConfigError('SSO_ONLY=true needs SSO_ISSUER and SSO_PUBLIC_KEY or SSO_JWKS_URL: customers could not sign in at all');
    return production ? undefined : { issuer: DEVELOPMENT_SSO_ISSUER, audience, keys: { kind: 'development', dataDir }, only: false };
  }
  if (!issuer) throw new ConfigError('SSO_ISSUER must be set when SSO_PUBLIC_KEY or SSO_JWKS_URL is');
  if (pem && jwksUrl) throw new ConfigError('SSO_PUBLIC_KEY and SSO_JWKS_URL are both set: set one of them');
  if (!pem && !jwksUrl) throw new ConfigError('SSO_ISSUER needs SSO_PUBLIC_KEY or SSO_JWKS_URL');
  return { issuer, audience, keys: pem ? { kind: 'pem', key: parsePublicKey(pem) } : { kind: 'jwks', url: jwksUrl! }, only };
}

function parseMaxMb(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_ATTACHMENT_MAX_MB;
  const mb = Number(raw);
  // Sizes are GraphQL Ints (32 bits): files stay below 2 GB.
  if (!Number.isFinite(mb) || mb <= 0 || mb > 2000)
    throw new ConfigError(`ATTACHMENT_MAX_MB must be a number of megabytes up to 2000, got "${raw}"`);
  return mb;
}

/** `STORAGE_URL` unset: a folder under DATA_DIR; `s3://bucket?endpoint=…&region=…&forcePathStyle=true`: a bucket. */
function parseStorage(raw: string | undefined, dataDir: string): StorageConfig {
  if (raw === undefined || raw.trim() === '') return { kind: 'disk', dir: path.join(dataDir, 'attachments') };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError('STORAGE_URL is not a valid URL');
  }
  if (url.protocol !== 's3:') throw new ConfigError('STORAGE_URL must start with s3:// (unset it to keep files under DATA_DIR)');
  if (!url.hostname) throw new ConfigError('STORAGE_URL must name a bucket: s3://bucket?region=…');
  const known = ['endpoint', 'region', 'forcePathStyle'];
  const unknown = [...url.searchParams.keys()].find((key) => !known.includes(key));
  if (unknown) throw new ConfigError(`STORAGE_URL has an unknown parameter "${unknown}" (known: ${known.join(', ')})`);
  const endpoint = parseUrl('STORAGE_URL endpoint', url.searchParams.get('endpoint') ?? undefined, ['https:', 'http:']);
  return {
    kind: 's3',
    bucket: url.hostname,
    endpoint,
    region: url.searchParams.get('region') || 'us-east-1',
    forcePathStyle: parseBoolean('STORAGE_URL forcePathStyle', url.searchParams.get('forcePathStyle') ?? undefined),
  };
}

/** The lifecycle settings; the migration that backfills due times reads them too. */
export function parseLifecycleConfig(env: NodeJS.ProcessEnv): LifecycleConfig {
  const named = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw new ConfigError(`${name} ${(error as Error).message}`);
    }
  };
  const holidays = named('BUSINESS_HOLIDAYS', () => parseHolidays(env.BUSINESS_HOLIDAYS ?? ''));
  const businessHours = named('BUSINESS_HOURS', () => parseBusinessHours(env.BUSINESS_HOURS?.trim() || DEFAULT_BUSINESS_HOURS));
  const raw = env.SLA_FIRST_RESPONSE_HOURS;
  const sla = raw === undefined || raw.trim() === '' ? 8 : Number(raw);
  // Fractions are allowed (tests use seconds); a year of business hours is more than any target.
  if (!Number.isFinite(sla) || sla <= 0 || sla > 2000)
    throw new ConfigError(`SLA_FIRST_RESPONSE_HOURS must be a number of business hours above 0 and up to 2000, got "${raw}"`);
  return {
    businessHours: { ...businessHours, holidays },
    slaFirstResponseHours: sla,
    autoCloseAfterHours: parseAutoClose(env.AUTO_CLOSE_AFTER_HOURS),
  };
}

/** Wall-clock hours (not business hours), fractions allowed (tests use seconds); 0 turns auto-close off. */
function parseAutoClose(raw: string | undefined): number | null {
  const hours = raw === undefined || raw.trim() === '' ? 168 : Number(raw);
  if (!Number.isFinite(hours) || hours < 0 || hours > MAX_AUTO_CLOSE_HOURS)
    throw new ConfigError(`AUTO_CLOSE_AFTER_HOURS must be a number of hours from 0 (off) up to ${MAX_AUTO_CLOSE_HOURS}, got "${raw}"`);
  return hours === 0 ? null : hours;
}

/** Reads and validates the environment once; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const port = parsePort('PORT', env.PORT, 4000);
  const databaseUrl = parseUrl('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:']);
  const databaseAppUrl = parseUrl('DATABASE_APP_URL', env.DATABASE_APP_URL, ['postgres:', 'postgresql:']);
  // The embedded database makes its own login role; another role only makes sense for a database of yours.
  if (databaseAppUrl && !databaseUrl)
    throw new ConfigError('DATABASE_APP_URL needs DATABASE_URL (the owner, for migrations) to be set too');
  const publicOrigins = parseOrigins(env.PUBLIC_ORIGIN || `http://localhost:${port}`);
  const production = nodeEnv === 'production';
  const dataDir = env.DATA_DIR || '.data';
  return {
    databaseUrl,
    databaseAppUrl,
    redisUrl: parseUrl('REDIS_URL', env.REDIS_URL, ['redis:', 'rediss:']),
    redisPrefix: parseRedisPrefix(env.REDIS_PREFIX, databaseUrl),
    port,
    publicOrigins,
    production,
    dataDir,
    clientDir: env.CLIENT_DIR || 'dist/client',
    rateLimitScale: parseScale(env.RATE_LIMIT_SCALE),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    sso: parseSso(env, production, dataDir),
    email: parseEmailConfig(env, publicOrigins[0], production),
    attachments: {
      maxBytes: parseMaxMb(env.ATTACHMENT_MAX_MB) * 1024 * 1024,
      storage: parseStorage(env.STORAGE_URL, dataDir),
      receivingDir: path.join(dataDir, 'uploads'),
    },
    lifecycle: parseLifecycleConfig(env),
  };
}

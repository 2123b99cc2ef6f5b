/**
 * SSO hand-off time (issue 16): from sending `GET /sso?token=…` to receiving the 302 with the
 * session cookie, on one server instance (createApp, as `npm start` builds it) with Lex's keys from
 * a JWKS served over HTTP (fetched once, then cached), replay protection in Redis, and a real
 * PostgreSQL. First sign-ins (a new user, often a new tenant) and returning sign-ins (the user is
 * brought up to date) are reported apart; requests go one at a time.
 *
 *   npm run build:server && node dist/bench/sso.js [--users 100] [--rounds 5]
 *
 * Environment: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL
 * (default redis://127.0.0.1:6379). Creates its own database and drops it at the end.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Client as PgClient } from 'pg';
import { createApp } from '../server/app';
import { openDatabases } from '../server/db/data-source';
import { createLogger } from '../server/logger';
import { createEventBus } from '../server/realtime/pubsub';
import { option } from './common';
import { percentile } from './lib/stats';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const ISSUER = 'https://lex.example';

async function main() {
  const users = option('users', 100);
  const rounds = option('rounds', 5);
  const { publicKey, privateKey } = await generateKeyPair('EdDSA');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA' };
  let jwksFetches = 0;
  const jwks = createServer((_req, res) => {
    jwksFetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));

  const dbName = `lex_bench_${randomBytes(5).toString('hex')}`;
  const admin = new PgClient({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const log = createLogger(process.env.LOG_LEVEL || 'error');
  const databases = await openDatabases(ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`), { poolSize: 10 });
  const bus = createEventBus(REDIS_URL, (message) => log.warn(message));
  const sso = {
    issuer: ISSUER,
    audience: 'lex-support',
    keys: { kind: 'jwks' as const, url: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json` },
    only: false,
  };
  const app = await createApp({
    config: { publicOrigins: [], production: true, clientDir: '/nonexistent', redisUrl: REDIS_URL, sso },
    db: databases.app,
    system: databases.system,
    bus,
    log,
  });
  const origin = `http://127.0.0.1:${await app.listen(0)}`;

  const handOff = async (person: number) => {
    const token = await new SignJWT({
      email: `person${person}@bench.example`,
      name: `Person ${person}`,
      role: 'customer',
      tenant_id: `tenant-${person % 10}`,
      tenant_name: `Bench company ${person % 10}`,
      locale: 'nl',
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
      .setIssuer(ISSUER)
      .setAudience('lex-support')
      .setSubject(`lex-${person}`)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(privateKey);
    const started = performance.now();
    const response = await fetch(`${origin}/sso?token=${token}&return_to=/support/new`, { redirect: 'manual' });
    const ms = performance.now() - started;
    await response.arrayBuffer();
    if (response.status !== 302 || !response.headers.get('set-cookie')) throw new Error(`sign-in ${person} answered ${response.status}`);
    return ms;
  };

  try {
    const first: number[] = [];
    for (let person = 0; person < users; person++) first.push(await handOff(person));
    const returning: number[] = [];
    for (let round = 0; round < rounds; round++) for (let person = 0; person < users; person++) returning.push(await handOff(person));
    const row = (what: string, values: number[]) =>
      `${what.padEnd(34)} n=${String(values.length).padStart(4)}  p50 ${percentile(values, 50).toFixed(1).padStart(5)} ms  p95 ${percentile(values, 95).toFixed(1).padStart(5)} ms  p99 ${percentile(values, 99).toFixed(1).padStart(5)} ms`;
    console.log(row('first sign-in (new user/tenant)', first));
    console.log(row('returning sign-in (cached JWKS)', returning));
    console.log(`JWKS fetched ${jwksFetches} time(s)`);
  } finally {
    await app.close();
    await bus.close();
    await databases.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    jwks.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * The container files, tested without a Docker engine: docker-compose.yml parses and its services,
 * ports and variables match the server's configuration and the load balancer's; deploy/nginx.conf
 * passes `nginx -t` (nginx is installed from Debian when missing); the Dockerfile has a build and a
 * runtime stage, a non-root user and a healthcheck on /readyz.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../server/config';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const say = (line: string) => process.stdout.write(`[ops-deploy] ${line}\n`);

type Service = {
  build?: unknown;
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  command?: string[];
  networks?: { default: { ipv4_address: string } };
};

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const nginxConf = read('deploy/nginx.conf');

/** Values for the variables the compose file requires (`${VAR:?message}`). */
const REQUIRED: Record<string, string> = { POSTGRES_PASSWORD: 'a-password-set-by-the-operator' };

/** `${VAR:-default}` as docker compose reads it with VAR unset; `${VAR:?…}` with VAR set as REQUIRED. */
const interpolate = (value: string) =>
  value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)\}/g, (_m, name: string, fallback?: string) => fallback ?? REQUIRED[name]);

/** Every variable the server reads: those loadConfig reads from `env`, and LOG_LEVEL (logger). */
function serverVariables(): Set<string> {
  const names = new Set([...read('server/config.ts').matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
  if (/process\.env\.LOG_LEVEL/.test(read('server/logger.ts'))) names.add('LOG_LEVEL');
  return names;
}

describe('docker-compose.yml', () => {
  const apps = ['app1', 'app2'];

  it('has PostgreSQL, Redis, two app instances and nginx', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app1', 'app2', 'nginx', 'postgres', 'redis']);
    for (const app of apps) expect(compose.services[app].build).toBe('.');
    expect(compose.services.postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data']);
  });

  it('gives each instance only variables the server reads, with values its configuration accepts', () => {
    const known = serverVariables();
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'PUBLIC_ORIGIN', 'NODE_ENV', 'LOG_LEVEL'])
      expect([name, known.has(name)]).toEqual([name, true]);
    for (const app of apps) {
      const env = Object.fromEntries(Object.entries(compose.services[app].environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
      for (const name of Object.keys(env)) expect([name, known.has(name)]).toEqual([name, true]);
      const config = loadConfig(env);
      expect(config.production).toBe(true);
      expect(config.port).toBe(4000);

      // The database and Redis are the compose services, with the credentials PostgreSQL is given.
      const database = new URL(config.databaseUrl!);
      const pg = compose.services.postgres.environment!;
      expect(database.hostname).toBe('postgres');
      expect(database.port).toBe('5432');
      expect(database.username).toBe(pg.POSTGRES_USER);
      expect(decodeURIComponent(database.password)).toBe(interpolate(pg.POSTGRES_PASSWORD));
      expect(database.pathname).toBe(`/${pg.POSTGRES_DB}`);
      const redis = new URL(config.redisUrl!);
      expect(redis.hostname).toBe('redis');
      expect(redis.port).toBe('6379');

      // The browser origin is the load balancer's published port.
      const published = compose.services.nginx.ports![0].split(':')[0];
      expect(config.publicOrigins).toEqual([`http://localhost:${published}`]);
      expect(compose.services[app].expose).toEqual([String(config.port)]);
    }
  });

  it('has no default database password, and trusts X-Forwarded-For from nginx alone', () => {
    const text = read('docker-compose.yml');
    expect(text).not.toMatch(/POSTGRES_PASSWORD:-/);
    expect(text.match(/\$\{POSTGRES_PASSWORD:\?[^}]+\}/g)).toHaveLength(2);
    const nginxAddress = compose.services.nginx.networks?.default.ipv4_address;
    expect(nginxAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const app of apps) {
      expect(loadConfig({ TRUST_PROXY: compose.services[app].environment!.TRUST_PROXY }).trustProxy).toEqual([nginxAddress]);
    }
  });

  it('both instances share one database and one Redis, and start after them', () => {
    const [one, two] = apps.map((app) => compose.services[app].environment!);
    expect(one.DATABASE_URL).toBe(two.DATABASE_URL);
    expect(one.REDIS_URL).toBe(two.REDIS_URL);
    for (const app of apps) {
      expect(compose.services[app].depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    // one instance applies the migrations before the other starts
    expect(compose.services.app2.depends_on).toMatchObject({ app1: { condition: 'service_healthy' } });
  });

  it('puts nginx in front with deploy/nginx.conf, its upstream naming both instances on their port', () => {
    const nginx = compose.services.nginx;
    expect(nginx.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/nginx.conf:ro']);
    expect(nginx.depends_on).toMatchObject({ app1: { condition: 'service_healthy' }, app2: { condition: 'service_healthy' } });
    const upstream = /upstream\s+lex_support\s*\{([^}]*)\}/.exec(nginxConf)?.[1] ?? '';
    const servers = [...upstream.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(servers).toEqual(apps.map((app) => `${app}:${compose.services[app].environment!.PORT}`));
    expect(nginxConf).toMatch(/proxy_pass\s+http:\/\/lex_support;/);
    // WebSocket upgrade for graphql-ws
    expect(nginxConf).toMatch(/proxy_http_version 1\.1;/);
    expect(nginxConf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(nginxConf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(nginxConf).toMatch(/proxy_set_header X-Request-Id \$request_id;/);
  });
});

/** nginx from PATH or Debian; undefined with the reason when it cannot be had. */
function findNginx(): string | undefined {
  const candidates = ['/usr/sbin/nginx', '/usr/bin/nginx'];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  say("no nginx: installing Debian's nginx with apt-get to check deploy/nginx.conf");
  try {
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx', {
      stdio: 'inherit',
    });
  } catch (error) {
    say(`could not install nginx (${String(error)}): skipping nginx -t`);
    return undefined;
  }
  return candidates.find((p) => existsSync(p));
}

describe('deploy/nginx.conf', () => {
  it('passes nginx -t, with the compose service names resolving as Docker resolves them', () => {
    const nginx = findNginx();
    if (!nginx) {
      say('SKIPPED: nginx is not installed and could not be installed from Debian');
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'lex-nginx-'));
    try {
      writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.1 app1\n127.0.0.1 app2\n');
      const conf = path.join(ROOT, 'deploy/nginx.conf');
      let output: string;
      try {
        // nginx resolves upstream names when it loads its configuration: in a mount namespace of its
        // own, /etc/hosts names the compose services (as Docker's DNS does in the compose network).
        // (Its output goes to a file: nginx opens /dev/stdout, which a socket behind it refuses.)
        execFileSync('unshare', [
          '--mount',
          'sh',
          '-c',
          `mount --bind "${dir}/hosts" /etc/hosts && exec "${nginx}" -t -p "${dir}" -c "${conf}" >"${dir}/out" 2>&1`,
        ]);
        output = readFileSync(path.join(dir, 'out'), 'utf8');
      } catch (error) {
        const out = existsSync(path.join(dir, 'out')) ? readFileSync(path.join(dir, 'out'), 'utf8') : '';
        if (/nginx:/.test(out)) throw new Error(`nginx -t failed:\n${out}`);
        // No mount namespace here (not root?): check a copy whose upstream names are loopback.
        say('unshare --mount is not available: checking a copy of nginx.conf with app1/app2 replaced by 127.0.0.1');
        const copy = path.join(dir, 'nginx.conf');
        writeFileSync(copy, readFileSync(conf, 'utf8').replace(/server (app1|app2):/g, 'server 127.0.0.1:'));
        execFileSync('sh', ['-c', `exec "${nginx}" -t -p "${dir}" -c "${copy}" >"${dir}/out" 2>&1`]);
        output = readFileSync(path.join(dir, 'out'), 'utf8');
      }
      expect(output).toMatch(/test is successful|syntax is ok/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\w+))?/gim)].map((m) => ({ image: m[1], name: m[2] }));
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds in one stage and runs from a slim one', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(stages[1].image).toMatch(/slim|alpine|distroless/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
  });

  it('runs as a non-root user, the compiled server, with a healthcheck on /readyz', () => {
    expect(runtime).toMatch(/^USER\s+(?!root\b|0\b)\w+/m);
    expect(runtime).toMatch(/^HEALTHCHECK[\s\S]*\/readyz/m);
    const cmd = /^CMD\s+(\[.*\])/m.exec(runtime)?.[1];
    expect(JSON.parse(cmd!)).toEqual(['node', 'dist/server/main.js']);
    expect(JSON.parse(read('package.json')).scripts.start).toBe('node dist/server/main.js');
    expect(runtime).toMatch(/^ENV[\s\S]*NODE_ENV=production/m);
    expect(runtime).toMatch(/^EXPOSE 4000$/m);
  });

  it('keeps the build context small and free of local data', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', '.data', '.env']));
  });
});

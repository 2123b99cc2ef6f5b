/**
 * `npm run bench [-- --quick] [--only reads,write,live,presence,connections] [--presence-pages N] [--live-rate N]`: the performance harness of
 * issue 8. Prints a table and writes bench/results/latest.json (the figures of the issue) and
 * bench/results/latest-detail.json (plans, per-part details).
 *
 * Full run: the dataset of `npm run bench:seed` (1M tickets, database lex_bench; seeded first when
 * it is missing — the seed is resumable), 16 writers for 20 s, 10,000 + 5 live subscribers at
 * 500 replies/s for 30 s, 2,000 open ticket pages reporting presence every 10 s, 10,000 idle
 * connections. `--quick`: the same parts, reduced (a 20,000-ticket database lex_bench_quick, 3 s
 * writes, 200 subscribers at 100/s for 5 s, 200 ticket pages, 1,000 connections).
 *
 * Servers are child processes (`node dist/server/main.js`, NODE_ENV=production) so that their RSS
 * is their own; the read path runs one in-process server whose SQL is captured and EXPLAINed.
 * Sessions for the many bench accounts are inserted as the sign-in does (random token, its SHA-256
 * stored); the write path's clients sign in through the `login` mutation.
 * The parts are in bench/parts/, what they share (instances, sessions, the plan, statistics) in
 * bench/lib/, the operations they send in tests/helpers/operations.ts (shared with the tests).
 *
 * Environment: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * REDIS_URL (default redis://127.0.0.1:6379).
 */
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import { log, option } from './common';
import { REDIS_URL, ROOT, startInstance, stopInstance } from './lib/instances';
import { FULL, QUICK } from './lib/plan';
import { round } from './lib/stats';
import { connectionsPart } from './parts/connections';
import { livePart } from './parts/live';
import { presencePart } from './parts/presence';
import { readsPart } from './parts/reads';
import { writePart } from './parts/writes';
import { benchDatabaseUrl, seed } from './seed';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.indexOf('--only') >= 0 ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
const runs = (part: string) => !onlyArg || onlyArg.includes(part);
// `--presence-pages N`: the presence part with another number of open pages (where it breaks);
// `--live-rate N`: the live part at another rate of replies per second (what the machine can write).
const base = quick ? QUICK : FULL;
// `--scale N`: N times the full plan's dataset (10: 10M tickets in lex_bench10); BENCH_DATABASE: the
// run's database instead of the plan's (the seed's scale stays the plan's).
const scale = option('scale', base.scale);
const plan = {
  ...base,
  scale,
  database: process.env.BENCH_DATABASE || (scale === base.scale ? base.database : `lex_bench${scale}`),
  presencePages: option('presence-pages', base.presencePages),
  liveRate: option('live-rate', base.liveRate),
};
/** latest.json for the plan's own dataset, latest-scale10.json for `--scale 10`. */
const resultSuffix = scale === base.scale ? '' : `-scale${scale}`;

/**
 * Removes what the write and live parts add (their tickets with replies, the bench sessions), so that
 * every run reads the dataset the seed made: otherwise tens of thousands of fresh open tickets pile
 * up on top of the newest-first indexes run after run. Vacuums when something was removed.
 */
async function removeBenchWrites(databaseUrl: string) {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const t0 = performance.now();
    const tickets = await db.query(
      `DELETE FROM support_tickets WHERE subject LIKE 'Write bench %' OR subject LIKE 'Bench ticket %' OR subject LIKE 'Live bench %'`,
    );
    const replies = await db.query(`DELETE FROM support_replies WHERE message LIKE 'raw reply %'`);
    await db.query(`DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE email LIKE '%bench.example')`);
    await db.query(`DELETE FROM users WHERE email LIKE 'presence-agent%@lex.bench.example'`); // left by an interrupted presence part
    if (tickets.rowCount || replies.rowCount) {
      await db.query(`VACUUM (ANALYZE) support_tickets`);
      await db.query(`VACUUM (ANALYZE) support_replies`);
      log(
        `  removed ${tickets.rowCount} bench tickets and ${replies.rowCount} raw replies of earlier runs, vacuumed (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    await db.end();
  }
}

async function main() {
  const started = performance.now();
  const build = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  log(`Lex Support bench (${quick ? 'quick' : 'full'}), ${build.name} ${build.version}`);
  log(
    `load before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  log(`seeding ${plan.database} (scale ${plan.scale}; resumable, skips what is done)…`);
  const seeded = await seed({ scale: plan.scale, database: plan.database, log: (line) => log(`  ${line}`) });
  const databaseUrl = benchDatabaseUrl(plan.database);
  await removeBenchWrites(databaseUrl);

  const pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();
  const postgres = (await pg.query(`SHOW server_version`)).rows[0].server_version;
  await pg.end();
  const redisInfo = await (async () => {
    const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    const info = await r.info('server');
    r.disconnect();
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  })();
  const machine = {
    cores: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gib: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres,
    redis: redisInfo,
    platform: `${os.platform()} ${os.release()}`,
  };

  const result: any = { machine };
  const detail: any = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    seedSeconds: round(seeded.seconds, 1),
    loadBefore: os.loadavg(),
  };
  let seqScan = false;

  if (runs('reads')) {
    const reads = await readsPart(databaseUrl, plan);
    result.reads = reads.figures;
    detail.reads = reads.detail;
    seqScan = reads.seqScanFound;
  }
  if (runs('write') || runs('live') || runs('presence')) {
    const instances = [await startInstance(databaseUrl), await startInstance(databaseUrl)];
    try {
      if (runs('write')) {
        const write = await writePart(databaseUrl, instances[0], plan);
        result.write = write.figures;
        detail.write = write.detail;
      }
      if (runs('live')) {
        const live = await livePart(databaseUrl, instances, plan);
        result.live = live.figures;
        detail.live = live.detail;
      }
      if (runs('presence')) {
        const presence = await presencePart(databaseUrl, instances, plan);
        result.presence = presence.figures;
        detail.presence = presence.detail;
      }
    } finally {
      await Promise.all(instances.map(stopInstance));
    }
  }
  if (runs('connections')) {
    const connections = await connectionsPart(databaseUrl, plan);
    result.connections = connections.figures;
    detail.connections = connections.detail;
  }
  detail.loadAfter = os.loadavg();
  detail.seconds = round((performance.now() - started) / 1000, 1);

  const ordered = {
    machine: result.machine,
    write: result.write,
    live: result.live,
    presence: result.presence,
    reads: result.reads,
    connections: result.connections,
  };
  printTable(ordered);
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `latest${resultSuffix}.json`), `${JSON.stringify(ordered, null, 2)}\n`);
  writeFileSync(path.join(dir, `latest${resultSuffix}-detail.json`), `${JSON.stringify(detail, null, 2)}\n`);
  log(
    `\nwritten bench/results/latest${resultSuffix}.json and latest${resultSuffix}-detail.json in ${detail.seconds} s; load after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (seqScan) {
    log('FAILED: a read query scans a big table sequentially');
    process.exitCode = 1;
  }
}

/** p95 targets of the reads, in ms: 20 unless named (issue 19; reports: issue 17 at 1M, issue 19 at 10M). */
const READ_TARGETS: Record<string, number> = {
  support_stats: 5,
  superadmin_badge: 5,
  unread_reply_count: 5,
  report_90_days: scale > 1 ? 100 : 50,
  report_year: 150,
};

function printTable(r: any) {
  const m = r.machine;
  const rows: [string, string, string][] = [];
  const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  if (r.write) {
    rows.push(['write reply_rps / create_rps', `${r.write.reply_rps} / ${r.write.create_rps}`, '']);
    rows.push(['write reply p50 / p99', `${r.write.p50_ms} / ${r.write.p99_ms} ms`, '']);
    rows.push(['write raw_sql_tps', `${r.write.raw_sql_tps}`, '']);
    rows.push(['write ratio', `${r.write.ratio}`, `≥ 0.5 ${check(r.write.ratio >= 0.5)}`]);
  }
  if (r.live) {
    rows.push(['live instances / subscribers / events/s', `${r.live.instances} / ${r.live.subscribers} / ${r.live.events_per_s}`, '']);
    rows.push(['live p50 / p99', `${r.live.p50_ms} / ${r.live.p99_ms} ms`, `p99 ≤ 25 ${check(r.live.p99_ms <= 25)}`]);
    rows.push(['live received / expected', `${r.live.received} / ${r.live.expected}`, `= ${check(r.live.received === r.live.expected)}`]);
  }
  if (r.presence) {
    const p = r.presence;
    rows.push(['presence instances / pages / reports/s', `${p.instances} / ${p.pages} / ${p.reports_per_s}`, '']);
    rows.push(['presence p50 / p95 / p99', `${p.p50_ms} / ${p.p95_ms} / ${p.p99_ms} ms`, `p99 ≤ 50 ${check(p.p99_ms <= 50)}`]);
    rows.push(['presence events missing', `${p.missed_events} of ${p.expected_events}`, `= 0 ${check(p.missed_events === 0)}`]);
    rows.push([
      'presence expiry median / max; missed',
      `${p.expiry_p50_s} / ${p.expiry_max_s} s; ${p.missed_expiries} of ${p.expected_expiries}`,
      `none > 35 s ${check(p.missed_expiries === 0)}`,
    ]);
    rows.push(['presence servers CPU idle / heartbeats', `${p.cpu_idle_core_pct} / ${p.cpu_heartbeats_core_pct} % of a core`, '']);
  }
  if (r.reads) {
    const d = r.reads.dataset;
    rows.push(['reads dataset', `${d.tickets} tickets, ${d.replies} replies, ${d.tenants} tenants, ${d.customers} customers`, '']);
    for (const [name, q] of Object.entries<any>(r.reads.queries)) {
      const limit = READ_TARGETS[name] ?? 20;
      rows.push([
        `read ${name} p50 / p95 / p99`,
        `${q.p50_ms} / ${q.p95_ms} / ${q.p99_ms} ms`,
        `p95 ≤ ${limit} ${check(q.p95_ms <= limit)}`,
      ]);
    }
  }
  if (r.connections)
    rows.push([
      'idle connections / RSS (JS heap) per connection after GC',
      `${r.connections.count} / ${r.connections.rss_per_conn_kb} KB (${r.connections.heap_per_conn_kb} KB)`,
      `≤ 20 ${check(r.connections.rss_per_conn_kb <= 20)}`,
    ]);
  log(
    `\nmachine: ${m.cores} × ${m.cpu_model}, ${m.memory_gib} GiB, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}, ${m.platform}\n`,
  );
  const w = [Math.max(...rows.map((x) => x[0].length)), Math.max(...rows.map((x) => x[1].length)), 0];
  log(`| ${'figure'.padEnd(w[0])} | ${'result'.padEnd(w[1])} | target |`);
  log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|--------|`);
  for (const [a, b, c] of rows) log(`| ${a.padEnd(w[0])} | ${b.padEnd(w[1])} | ${c} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

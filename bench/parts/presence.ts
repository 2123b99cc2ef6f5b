// 5. Presence (docs/architecture.md §8): open ticket pages reporting every 10 s across two instances.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Client as WsClient } from 'graphql-ws';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import { defaultRedisPrefix } from '../../server/config';
import { activityOps, type TicketActivity } from '../../tests/helpers/operations';
import { gql, inBatches, log, sleep, waitUntil } from '../common';
import { createSessions, userIds } from '../lib/accounts';
import { type Instance, REDIS_URL, wsClient } from '../lib/instances';
import { CONCURRENCY, type Plan } from '../lib/plan';
import { percentile, round } from '../lib/stats';

/** A ticket page open on each ticket: its customer's and three of the Lex team's. */
const PAGES_PER_TICKET = 4;
/** How often an open page reports, as the web app does. */
const HEARTBEAT_MS = 10_000;
/** A page that stops reporting must be gone from the others' state by then (entries live 30 s). */
const EXPIRY_LIMIT_MS = 35_000;
/** How long a probe's typist types before it reports that it stopped. */
const TYPING_FOR_MS = 2_000;
/** Pages per team account and instance: under the 10 sockets an account may open on one instance. */
const PAGES_PER_ACCOUNT = 8;
/** The bench's extra team accounts; removed when the part ends. */
const TEAM_EMAIL = (n: number) => `presence-agent${n}@lex.bench.example`;

interface Page {
  ticket: number;
  ticketId: string;
  personId: string;
  token: string;
  team: boolean;
  instance: Instance;
  client?: WsClient;
  state?: TicketActivity;
  typing: boolean;
  heartbeat?: NodeJS.Timeout;
  lastSent: number;
  left: boolean;
}

/** What one page is waiting to see: a person typing or not, or a person gone from its viewers. */
interface Expectation {
  page: Page;
  personId: string;
  kind: 'typing' | 'stopped' | 'gone';
  since: number;
}

/** CPU time of a process so far, in ms: /proc/<pid>/schedstat (ns on the CPU), or utime + stime of /proc/<pid>/stat. */
function cpuMs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
    } catch {
      return 0; // a PostgreSQL backend that ended
    }
  }
}

/**
 * 2,000 open ticket pages (`--quick`: 200) on two instances sharing Redis: each subscribed to its
 * ticket's `ticketActivity` and reporting every 10 s, the reports spread over the 10 s. Measured: the
 * servers' CPU (instances and their PostgreSQL backends) idle and with the heartbeats; then, with
 * the heartbeats going on, the time from a team member's `reportTicketActivity` (typing starts, and
 * 2 s later stops) to each other viewer's event showing it, and expiry: pages that close (stop
 * reporting) must be gone from every team viewer's state within 35 s of their last report.
 */
export async function presencePart(databaseUrl: string, instances: Instance[], plan: Plan) {
  const tickets = Math.ceil(plan.presencePages / PAGES_PER_TICKET);
  const leavers = Math.max(10, Math.round(plan.presencePages / 50));
  log(
    `\n== presence: ${instances.length} instances, ${tickets * PAGES_PER_TICKET} ticket pages on ${tickets} tickets (the customer and 3 team pages each), ` +
      `a report every ${HEARTBEAT_MS / 1000} s; ${plan.presenceProbeRate} typing probes/s and ${leavers} pages closing over ${plan.presenceSeconds} s`,
  );
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  const clients: WsClient[] = [];
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const pages: Page[] = [];
  try {
    // Recent tickets of distinct customers: no writes, presence lives in Redis.
    const owned = (
      await db.query(
        `SELECT id, user_id FROM (SELECT DISTINCT ON (user_id) id, user_id, ticket_number FROM support_tickets ORDER BY user_id, ticket_number DESC) t
          ORDER BY ticket_number DESC LIMIT $1`,
        [tickets],
      )
    ).rows as { id: string; user_id: string }[];
    const customerTokens = await createSessions(
      db,
      owned.map((t) => t.user_id),
    );
    // Team pages: each (instance, account) holds at most PAGES_PER_ACCOUNT; the pages of one ticket
    // on one instance go to different accounts (consecutive ones), so that each is a person of its own.
    const teamPagesOn = [0, 1].map((i) =>
      Array.from({ length: tickets }, (_, t) => [1, 2, 3].filter((j) => (t + j) % 2 === i).length).reduce((a, b) => a + b, 0),
    );
    const accountsOn = teamPagesOn.map((n) => Math.ceil(n / PAGES_PER_ACCOUNT));
    const accounts = accountsOn[0] + accountsOn[1];
    const [{ password_hash: hash }] = (await db.query(`SELECT password_hash FROM users WHERE email = 'agent1@lex.bench.example'`)).rows;
    await db.query(
      `INSERT INTO users (email, name, role, password_hash)
       SELECT 'presence-agent' || g || '@lex.bench.example', 'Presence Agent ' || g, 'superadmin', $2 FROM generate_series(1, $1::int) g
       ON CONFLICT DO NOTHING`,
      [accounts, hash],
    );
    const teamIdList = await userIds(
      db,
      Array.from({ length: accounts }, (_, n) => TEAM_EMAIL(n + 1)),
    );
    const teamTokens = await createSessions(db, teamIdList);
    const placed = [0, 0];
    owned.forEach((ticket, t) => {
      for (let j = 0; j < PAGES_PER_TICKET; j++) {
        const i = (t + j) % 2;
        const base = { ticket: t, ticketId: ticket.id, instance: instances[i], typing: false, lastSent: 0, left: false };
        if (j === 0) {
          pages.push({ ...base, personId: ticket.user_id, token: customerTokens[t], team: false });
        } else {
          const account = (i === 0 ? 0 : accountsOn[0]) + (placed[i]++ % accountsOn[i]);
          pages.push({ ...base, personId: teamIdList[account], token: teamTokens[account], team: true });
        }
      }
    });
    const pagesOf = (t: number) => pages.slice(t * PAGES_PER_TICKET, (t + 1) * PAGES_PER_TICKET);

    // What each page sees, and the expectations it settles.
    const now = () => performance.now();
    let expectations: Expectation[] = [];
    const latencies: number[] = [];
    const expiryDelays: number[] = [];
    let late = 0;
    const settle = (page: Page) => {
      const state = page.state!;
      expectations = expectations.filter((e) => {
        if (e.page !== page) return true;
        const typing = state.typing.some((p) => p.id === e.personId);
        const met = e.kind === 'gone' ? !state.viewers.some((p) => p.id === e.personId) : typing === (e.kind === 'typing');
        if (!met) return true;
        if (e.kind === 'gone') {
          const delay = now() - e.since;
          expiryDelays.push(delay);
          if (delay > EXPIRY_LIMIT_MS) late++;
        } else latencies.push(now() - e.since);
        return false;
      });
    };
    const onError = (error: unknown) => process.stderr.write(`subscription error: ${JSON.stringify(error).slice(0, 300)}\n`);
    // Pages open a few at a time, as a desk's do: each subscription checks the session and the ticket.
    await inBatches(pages, CONCURRENCY, async (page) => {
      page.client = wsClient(page.instance.wsUrl, page.token);
      clients.push(page.client);
      page.client.subscribe(
        { query: activityOps.watch, variables: { ticketId: page.ticketId } },
        {
          next: (event: any) => {
            page.state = event.data.ticketActivity;
            settle(page);
          },
          error: onError,
          complete: () => undefined,
        },
      );
      await waitUntil(() => Boolean(page.state), 'a page to see its ticket', 60_000);
    });
    await redis.connect();
    await waitUntil(async () => {
      const prefix = defaultRedisPrefix(databaseUrl);
      const counts = (await redis.call('PUBSUB', 'NUMSUB', ...owned.map((t) => `${prefix}:activity:${t.id}`))) as (string | number)[];
      return counts.filter((_, i) => i % 2 === 1).every((c) => Number(c) >= 1);
    }, 'every ticket activity channel to be subscribed');

    // Reports as an open page sends them: every 10 s, and when typing starts or stops.
    let reports = 0;
    let reportErrors = 0;
    const report = (page: Page) => {
      page.lastSent = now();
      reports++;
      return gql(page.instance.url, activityOps.report, { ticketId: page.ticketId, typing: page.typing }, page.token).catch((error) => {
        if (reportErrors++ < 5) process.stderr.write(`${error}\n`);
      });
    };
    // CPU of the instances and of the bench database's PostgreSQL backends, over a phase.
    const pids = async () => [
      ...instances.map((i) => i.child.pid!),
      ...(await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map(
        (r) => r.pid as number,
      ),
    ];
    const cpuPhase = async (what: string, ms: number) => {
      const before = new Map((await pids()).map((pid) => [pid, cpuMs(pid)]));
      const reportsBefore = reports;
      const t0 = now();
      await sleep(ms);
      const after = await pids();
      const seconds = (now() - t0) / 1000;
      const usedMs = after.reduce((sum, pid) => sum + cpuMs(pid) - (before.get(pid) ?? 0), 0);
      const instancesMs = instances.reduce((sum, i) => sum + cpuMs(i.child.pid!) - (before.get(i.child.pid!) ?? 0), 0);
      const phase = {
        seconds: round(seconds, 1),
        reports_per_s: round((reports - reportsBefore) / seconds, 1),
        cpu_core_pct: round(usedMs / 10 / seconds, 1),
        instances_core_pct: round(instancesMs / 10 / seconds, 1),
        reports: reports - reportsBefore,
        cpu_ms: usedMs,
      };
      log(
        `  ${what.padEnd(12)} ${phase.reports_per_s} reports/s: servers ${phase.cpu_core_pct} % of a core (instances ${phase.instances_core_pct} %, the rest their PostgreSQL backends)`,
      );
      return phase;
    };

    const idle = await cpuPhase('idle', 5_000);
    // The heartbeats: each page at its own phase of the 10 s.
    for (const page of pages) {
      page.heartbeat = setTimeout(() => {
        void report(page);
        page.heartbeat = setInterval(() => void report(page), HEARTBEAT_MS);
      }, Math.random() * HEARTBEAT_MS);
    }
    // Every page has joined (its first report is an event for the others) before the heartbeats are measured.
    await sleep(HEARTBEAT_MS + 2_000);
    const heartbeats = await cpuPhase('heartbeats', plan.presenceCpuSeconds * 1000);

    // The window: typing probes at a fixed rate, one ticket after another, and pages closing.
    const closing = Array.from({ length: leavers }, (_, n) => pagesOf(Math.floor((n * tickets) / leavers))[n % PAGES_PER_TICKET]);
    for (const page of closing) {
      clearTimeout(page.heartbeat);
      clearInterval(page.heartbeat);
      page.left = true;
      void page.client!.dispose();
      for (const other of pagesOf(page.ticket)) {
        if (other !== page && other.team) expectations.push({ page: other, personId: page.personId, kind: 'gone', since: page.lastSent });
      }
    }
    const departures = expectations.length;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const driverCpu = process.cpuUsage();
    const windowStart = now();
    const probes: Promise<unknown>[] = [];
    const total = Math.round(plan.presenceProbeRate * plan.presenceSeconds);
    const probe = async (n: number) => {
      const ticket = n % tickets;
      const typist = pagesOf(ticket).filter((p) => p.team && !p.left)[Math.floor(n / tickets) % 2];
      const watchers = pagesOf(ticket).filter((p) => p !== typist && !p.left);
      for (const kind of ['typing', 'stopped'] as const) {
        if (kind === 'stopped') await sleep(TYPING_FOR_MS);
        typist.typing = kind === 'typing';
        const since = now();
        for (const page of watchers) expectations.push({ page, personId: typist.personId, kind, since });
        await report(typist);
      }
    };
    for (let n = 0; n < total; n++) {
      const wait = windowStart + (n * 1000) / plan.presenceProbeRate - now();
      if (wait > 0) await sleep(wait);
      probes.push(probe(n));
    }
    await Promise.all(probes);
    await waitUntil(() => !expectations.some((e) => e.kind !== 'gone'), 'every typing event', 10_000).catch(() => undefined);
    const lastLeave = Math.max(...closing.map((p) => p.lastSent));
    const deadline = lastLeave + EXPIRY_LIMIT_MS + 1_000 - now();
    if (deadline > 0) await waitUntil(() => !expectations.some((e) => e.kind === 'gone'), 'every expiry', deadline).catch(() => undefined);
    loop.disable();
    const driverUsed = process.cpuUsage(driverCpu);
    const measured = {
      seconds: round((now() - windowStart) / 1000, 1),
      driverCorePct: round((driverUsed.user + driverUsed.system) / 10 / (now() - windowStart), 1),
      driverEventLoopDelayMs: { p50: round(loop.percentile(50) / 1e6), p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
    };
    const missedTyping = expectations.filter((e) => e.kind !== 'gone').length;
    const missedExpiry = expectations.filter((e) => e.kind === 'gone').length + late;
    for (const page of pages) clearInterval(page.heartbeat);

    const figures = {
      instances: instances.length,
      pages: pages.length,
      tickets,
      reports_per_s: heartbeats.reports_per_s,
      p50_ms: round(percentile(latencies, 50)),
      p95_ms: round(percentile(latencies, 95)),
      p99_ms: round(percentile(latencies, 99)),
      events: latencies.length,
      expected_events: latencies.length + missedTyping,
      missed_events: missedTyping,
      expiry_p50_s: round(percentile(expiryDelays, 50) / 1000),
      expiry_max_s: round(Math.max(...expiryDelays) / 1000),
      expiries: expiryDelays.length,
      expected_expiries: departures,
      missed_expiries: missedExpiry,
      cpu_idle_core_pct: idle.cpu_core_pct,
      cpu_heartbeats_core_pct: heartbeats.cpu_core_pct,
      cpu_ms_per_report: round((heartbeats.cpu_ms / heartbeats.seconds - idle.cpu_ms / idle.seconds) / heartbeats.reports_per_s, 3),
      report_errors: reportErrors,
    };
    log(
      `  typing → other viewers: ${latencies.length} events (${missedTyping} missing) p50 ${figures.p50_ms} ms, p95 ${figures.p95_ms} ms, p99 ${figures.p99_ms} ms`,
    );
    log(
      `  expiry: ${expiryDelays.length} departures seen after ${figures.expiry_p50_s} s (median), at most ${figures.expiry_max_s} s; ${missedExpiry} missed or later than ${EXPIRY_LIMIT_MS / 1000} s`,
    );
    log(`  heartbeats cost ${figures.cpu_ms_per_report} ms of server CPU each; ${reportErrors} report errors`);
    log(
      `  the driver (this process) used ${measured.driverCorePct} % of a core in the window; its event-loop delay p99 ${measured.driverEventLoopDelayMs.p99} ms`,
    );
    return { figures, detail: { idle, heartbeats, window: measured, leavers: closing.length, accounts, probes: total } };
  } finally {
    for (const page of pages) clearInterval(page.heartbeat);
    redis.disconnect();
    await Promise.all(clients.map((c) => c.dispose()));
    await db.query(`DELETE FROM users WHERE email LIKE 'presence-agent%@lex.bench.example'`);
    await db.end();
  }
}

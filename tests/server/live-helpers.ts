// Shared by the live-update tests (subscriptions, two instances, Redis outage, shutdown).
import { ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '../../server/free-port';
import { EventBus } from '../../server/realtime/pubsub';
import { ok } from '../helpers/graphql';
import { briefOps, ops, subscriptions, type TicketStatus } from '../helpers/operations';
import type { TestServer } from '../helpers/server';

// The live tests' names for the shared subscriptions (tests/helpers/operations.ts).
export const REPLY_ADDED = subscriptions.replyAdded;
export const TICKET_UPDATED = subscriptions.ticketUpdated;
export const SUPPORT_BADGE = subscriptions.supportBadge;

export async function createTicket(
  server: Pick<TestServer, 'url'>,
  token: string,
  subject = 'Payslip export fails',
  message = 'It says error 500',
) {
  return (await ok(server, briefOps.createTicket, { input: { subject, category: 'TECHNICAL', message } }, token)).createTicket;
}

export async function reply(server: Pick<TestServer, 'url'>, token: string, ticketId: string, message: string) {
  return (await ok(server, briefOps.replyToTicket, { input: { ticketId, message } }, token)).replyToTicket;
}

export async function setStatus(server: Pick<TestServer, 'url'>, token: string, id: string, status: TicketStatus) {
  return (await ok(server, briefOps.setTicketStatus, { id, status }, token)).setTicketStatus;
}

export async function markRead(server: Pick<TestServer, 'url'>, token: string, id: string) {
  await ok(server, ops.markTicketRead, { id }, token);
}

export async function closeTicket(server: Pick<TestServer, 'url'>, token: string, id: string) {
  await ok(server, ops.closeTicket, { id }, token);
}

/** Resolves when `check` holds, polling; fails with `what` after the timeout. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Counts the event streams a server has made live, per topic. A subscription's stream is live
 * once `EventBus.stream` resolves (docs/architecture.md §3); waiting for it before writing means the test
 * never races the subscription, without sleeping.
 */
export function watchStreams(server: Pick<TestServer, 'bus'>) {
  const bus: EventBus = server.bus;
  const live = new Map<string, number>();
  const original = bus.stream.bind(bus);
  bus.stream = async <T>(topic: string) => {
    const stream = await original<T>(topic);
    live.set(topic, (live.get(topic) ?? 0) + 1);
    return stream;
  };
  return {
    count: (topic: string) => live.get(topic) ?? 0,
    /** Resolves once at least `count` streams of `topic` have been live (counted since `watchStreams`). */
    until: (topic: string, count = 1) => eventually(() => (live.get(topic) ?? 0) >= count, `${count} live stream(s) of ${topic}`),
  };
}

function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
  });
}

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the process (SIGKILL: no goodbye to the clients) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a spare port: its channels are not shared with test files
 * running at the same time (pub/sub ignores the database number), and the test may stop it.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const binary = process.env.LEX_TEST_REDIS_SERVER;
  if (!binary) throw new Error('redis-server is not installed: these tests start one of their own (apt-get install redis-server)');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await eventually(() => redisAnswers(port), `redis-server on port ${port}`, 5000);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}

// Server instances as child processes, as they run in production (their RSS is their own), and
// graphql-ws clients for them.
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient, Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from '../../server/free-port';
import { gql, waitUntil } from '../common';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/** The repository (the build runs from dist/bench/lib/). */
export const ROOT = path.resolve(__dirname, '../../..');

export interface Instance {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  rssKb(): number;
  /** With `probe`: the memory it holds after a full garbage collection (bench/memory-probe.ts). */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
}

/** `probe`: started with --expose-gc and the memory probe, for memoryAfterGc. */
export async function startInstance(databaseUrl: string, { probe = false } = {}): Promise<Instance> {
  const port = await freePort();
  // BENCH_NODE_ARGS: extra node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (probe) nodeArgs.push('--expose-gc', '--require', path.join(ROOT, 'dist/bench/memory-probe.js'));
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist/server/main.js')], {
    // RATE_LIMIT_SCALE: the per-client limits are meant for people, not for one load generator on one address.
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      PORT: String(port),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_SCALE: '1000000',
    },
    stdio: ['ignore', 'inherit', 'inherit', ...(probe ? ['ipc' as const] : [])],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitUntil(
    async () => {
      if (exited) throw new Error('server instance exited while starting');
      try {
        await gql(url, '{ __typename }');
        return true;
      } catch {
        return false;
      }
    },
    'a server instance to listen',
    120_000,
  );
  return {
    child,
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    rssKb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN),
    memoryAfterGc: () =>
      new Promise((resolve) => {
        const onMessage = (message: { memory?: NodeJS.MemoryUsage }) => {
          if (!message.memory) return;
          child.off('message', onMessage);
          resolve(message.memory);
        };
        child.on('message', onMessage);
        child.send('memory');
      }),
  };
}

export function stopInstance(instance: Instance): Promise<void> {
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => (clearTimeout(force), resolve()));
    child.kill('SIGTERM');
  });
}

export function wsClient(url: string, token: string): WsClient {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
}

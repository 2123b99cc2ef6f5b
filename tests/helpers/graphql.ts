import { createClient, Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Operation } from './operations';
import type { TestServer } from './server';

export interface GraphQLResponse<T = any> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string; [key: string]: unknown } }[];
}

/** POSTs one operation, as a tool would (Bearer token) or anonymously. */
export async function graphql<T = any, V = Record<string, unknown>>(
  server: Pick<TestServer, 'url'>,
  query: Operation<T, V>,
  variables?: V,
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables: variables ?? {} }),
  });
  return response.json() as Promise<GraphQLResponse<T>>;
}

/** The data of an operation that must succeed. */
export async function ok<T = any, V = Record<string, unknown>>(
  server: Pick<TestServer, 'url'>,
  query: Operation<T, V>,
  variables?: V,
  token?: string,
): Promise<T> {
  const result = await graphql(server, query, variables, token);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** The error code of an operation that must fail. */
export async function errorCode<V>(server: Pick<TestServer, 'url'>, query: Operation<unknown, V>, variables?: V, token?: string) {
  const result = await graphql(server, query, variables, token);
  if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
  return result.errors[0].extensions?.code;
}

/** A graphql-ws client that signs in with a Bearer token at connection_init. */
export function wsClient(server: Pick<TestServer, 'wsUrl'>, token?: string, options: { origin?: string } = {}): WsClient {
  class OriginWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, options.origin ? { headers: { origin: options.origin } } : {});
    }
  }
  return createClient({
    url: server.wsUrl,
    webSocketImpl: OriginWebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

export interface Subscription<T> {
  /** Every payload received so far. */
  events: { data?: T | null; errors?: GraphQLResponse['errors'] }[];
  /** Resolves when at least `count` events arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves with the error or close that ended the subscription, if any. */
  ended: Promise<unknown>;
  stop(): void;
}

export function subscribe<T = any, V = Record<string, unknown>>(client: WsClient, query: Operation<T, V>, variables?: V): Subscription<T> {
  const events: Subscription<T>['events'] = [];
  const waiters: (() => void)[] = [];
  let settle!: (value: unknown) => void;
  const ended = new Promise((resolve) => (settle = resolve));
  const stop = client.subscribe<T>(
    { query, variables: (variables ?? {}) as Record<string, unknown> },
    {
      next: (value) => {
        events.push(value as Subscription<T>['events'][number]);
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (error) => settle(error),
      complete: () => settle(undefined),
    },
  );
  return {
    events,
    ended,
    stop,
    waitFor: (count, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited ${timeoutMs} ms for ${count} events, got ${events.length}: ${JSON.stringify(events)}`)),
          timeoutMs,
        );
        const check = () => {
          if (events.length >= count) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      }),
  };
}

/** Waits a little so that an event that should not come would have come. */
export const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

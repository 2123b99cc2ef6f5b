import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { getOperationAST, parse } from 'graphql';
import type { Logger } from '../logger';

/** An incoming X-Request-Id is kept when it looks like an id (no room for log injection). */
const ACCEPTABLE_ID = /^[\w.:@-]{1,128}$/;

export function requestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && ACCEPTABLE_ID.test(value) ? value : randomUUID();
}

/** Probes come every few seconds; they are logged at debug level. */
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * One JSON line per HTTP request: request id (X-Request-Id, accepted or made, echoed back),
 * method, path (never the query string), status, duration, and the GraphQL operation name.
 * Headers, bodies and variables are never logged: no password, token or cookie can get in.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const id = requestId(req.headers['x-request-id']);
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    const path = req.originalUrl.split('?')[0];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const operation = typeof req.body?.operationName === 'string' ? req.body.operationName.slice(0, 100) : undefined;
      const line = {
        reqId: id,
        method: req.method,
        path,
        status: res.writableFinished ? res.statusCode : undefined,
        aborted: res.writableFinished ? undefined : true,
        durationMs: Number((Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)),
        operation,
      };
      if (res.statusCode >= 500) log.error(line, 'request');
      else if (PROBES.has(path) && res.statusCode < 300) log.debug(line, 'request');
      else log.info(line, 'request');
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

interface SubscribeMessagePayload {
  operationName?: string | null;
  query: string;
}

/** The operation's name, else its type and first field (`subscription supportBadge`); never its variables. */
export function operationLabel(payload: SubscribeMessagePayload): { operation?: string; type?: string } {
  try {
    const operation = getOperationAST(parse(payload.query, { noLocation: true }), payload.operationName ?? undefined);
    if (!operation) return { operation: payload.operationName ?? undefined };
    const first = operation.selectionSet.selections.find((s) => s.kind === 'Field');
    const name = operation.name?.value ?? (first && 'name' in first ? first.name.value : undefined);
    return { operation: name, type: operation.operation };
  } catch {
    return { operation: payload.operationName ?? undefined };
  }
}

type WsContext = { extra: { request: IncomingMessage } };

/**
 * graphql-ws hooks that log one line when an operation starts and one when it completes, each
 * with an id of its own (`<connection>/<operation>`); the connection id is the upgrade request's
 * X-Request-Id when a proxy set one.
 */
export function wsOperationLog(log: Logger) {
  // Per connection: its id and when each of its operations started (gone with the connection).
  const connections = new WeakMap<object, { id: string; started: Map<string, bigint> }>();
  const connectionOf = (ctx: WsContext) => {
    let connection = connections.get(ctx);
    if (!connection) {
      connection = { id: requestId(ctx.extra.request.headers['x-request-id']), started: new Map() };
      connections.set(ctx, connection);
    }
    return connection;
  };
  return {
    onSubscribe: (ctx: WsContext, id: string, payload: SubscribeMessagePayload): undefined => {
      const connection = connectionOf(ctx);
      connection.started.set(id, process.hrtime.bigint());
      log.info({ reqId: `${connection.id}/${id}`, ws: true, ...operationLabel(payload) }, 'ws operation');
      return undefined;
    },
    onComplete: (ctx: WsContext, id: string, payload: SubscribeMessagePayload) => {
      const connection = connectionOf(ctx);
      const since = connection.started.get(id);
      connection.started.delete(id);
      const durationMs = since === undefined ? undefined : Number((Number(process.hrtime.bigint() - since) / 1e6).toFixed(1));
      log.info({ reqId: `${connection.id}/${id}`, ws: true, ...operationLabel(payload), durationMs }, 'ws operation complete');
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { DocumentNode, getOperationAST } from 'graphql';
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
}

interface OperationLabel {
  operation?: string;
  type?: string;
}

/**
 * The operation's name, else its type and first field (`subscription supportBadge`); never its
 * variables. From the document the operation was checked with: a refused one is never parsed again.
 */
export function operationLabel(payload: SubscribeMessagePayload, document?: DocumentNode): OperationLabel {
  const operation = document && getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) return { operation: payload.operationName?.slice(0, 100) ?? undefined };
  const first = operation.selectionSet.selections.find((s) => s.kind === 'Field');
  const name = operation.name?.value ?? (first && 'name' in first ? first.name.value : undefined);
  return { operation: name, type: operation.operation };
}

/** The upgrade request is let go once the socket is signed in (server/realtime/websocket.ts). */
type WsContext = { extra: { request?: IncomingMessage } };

/**
 * Logs one line when a WebSocket operation starts and one when it completes, each with an id of its
 * own (`<connection>/<operation>`); the connection id is the upgrade request's X-Request-Id when a
 * proxy set one.
 */
export function wsOperationLog(log: Logger) {
  // Per connection: its id and, per running operation, when it started and its label.
  const connections = new WeakMap<object, { id: string; running: Map<string, { since: bigint; label: OperationLabel }> }>();
  const connectionOf = (ctx: WsContext) => {
    let connection = connections.get(ctx);
    if (!connection) {
      connection = { id: requestId(ctx.extra.request?.headers['x-request-id']), running: new Map() };
      connections.set(ctx, connection);
    }
    return connection;
  };
  return {
    /** Takes the connection's id while its upgrade request is at hand. */
    opened: (ctx: WsContext) => void connectionOf(ctx),
    /** `document` is the parsed operation, or undefined when it was refused (and will not complete). */
    started: (ctx: WsContext, id: string, payload: SubscribeMessagePayload, document: DocumentNode | undefined) => {
      const connection = connectionOf(ctx);
      const label = operationLabel(payload, document);
      if (document) connection.running.set(id, { since: process.hrtime.bigint(), label });
      log.info({ reqId: `${connection.id}/${id}`, ws: true, ...label }, 'ws operation');
    },
    completed: (ctx: WsContext, id: string) => {
      const connection = connectionOf(ctx);
      const running = connection.running.get(id);
      connection.running.delete(id);
      const durationMs = running && Number((Number(process.hrtime.bigint() - running.since) / 1e6).toFixed(1));
      log.info({ reqId: `${connection.id}/${id}`, ws: true, ...running?.label, durationMs }, 'ws operation complete');
    },
  };
}

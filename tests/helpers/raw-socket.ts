import WebSocket from 'ws';
import type { TestServer } from './server';

export interface RawSocketOptions {
  protocols?: string | string[];
  headers?: Record<string, string>;
  send?: object[];
}

export interface Outcome {
  /** HTTP status of a refused upgrade. */
  refused?: number;
  /** Close code and reason once the socket closed. */
  closed?: { code: number; reason: string };
  /** Every message the server sent. */
  messages: { type: string; id?: string; payload?: unknown }[];
  /** The subprotocol the server agreed to. */
  protocol?: string;
}

/**
 * A bare WebSocket, for what a graphql-ws client would never send. The first message of `send`
 * goes out when the socket opens, the others once the server acknowledged the connection.
 */
export function openRawSocket(server: Pick<TestServer, 'wsUrl'>, options: RawSocketOptions) {
  const outcome: Outcome = { messages: [] };
  const socket = new WebSocket(server.wsUrl, options.protocols ?? 'graphql-transport-ws', { headers: options.headers });
  const done = new Promise<Outcome>((resolve) => {
    socket.on('unexpected-response', (_request, response) => {
      outcome.refused = response.statusCode;
      socket.terminate();
      resolve(outcome);
    });
    socket.on('error', () => resolve(outcome));
    const [first, ...rest] = options.send ?? [];
    socket.on('open', () => {
      outcome.protocol = socket.protocol;
      if (first) socket.send(JSON.stringify(first));
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      outcome.messages.push(message);
      if (message.type === 'connection_ack') for (const next of rest) socket.send(JSON.stringify(next));
    });
    socket.on('close', (code, reason) => {
      outcome.closed = { code, reason: String(reason) };
      resolve(outcome);
    });
  });
  return { socket, outcome, done };
}

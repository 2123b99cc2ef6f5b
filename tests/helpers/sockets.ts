import type { Client as WsClient } from 'graphql-ws';
import type WebSocket from 'ws';
import { wsClient } from './graphql';
import { RawSocketOptions, openRawSocket } from './raw-socket';
import type { TestServer } from './server';

/**
 * The sockets a test file opens, closed after each of its tests so that none outlives the test
 * that opened it: graphql-ws clients (`client`) and bare WebSockets (`raw`). Call it where the file's
 * hooks are declared.
 */
export function useSockets() {
  let clients: WsClient[] = [];
  let sockets: WebSocket[] = [];
  afterEach(async () => {
    const [open, bare] = [clients, sockets];
    clients = [];
    sockets = [];
    await Promise.all(open.map((client) => client.dispose()));
    for (const socket of bare) socket.terminate();
  });
  return {
    client(server: Pick<TestServer, 'wsUrl'>, token?: string, options?: { origin?: string }): WsClient {
      const client = wsClient(server, token, options);
      clients.push(client);
      return client;
    },
    raw(server: Pick<TestServer, 'wsUrl'>, options: RawSocketOptions) {
      const raw = openRawSocket(server, options);
      sockets.push(raw.socket);
      return raw;
    },
  };
}

import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP hop the test controls (between a server and PostgreSQL, or a browser and a server), on a
 * port that stays the same: `cut` closes it and every connection through it (nothing listens: connection refused),
 * `hang` accepts connections and never answers, `restore` forwards again. In the `kill-at-start`
 * mode (for PostgreSQL), each new connection is terminated by the server in the same packet that
 * says it is ready for queries, as when a backend is killed while it starts.
 */
export class TcpLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  mode: 'forward' | 'hang' | 'kill-at-start' = 'forward';
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open() {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      if (this.mode === 'hang') return;
      const upstream = createConnection(this.target);
      this.sockets.add(upstream);
      upstream.on('close', () => (this.sockets.delete(upstream), client.destroy()));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      if (this.mode === 'kill-at-start') killAtStart(upstream, client);
      else upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async cut() {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.server = undefined;
  }

  async hang() {
    await this.cut();
    this.mode = 'hang';
    await this.open();
  }

  async restore() {
    if (this.server) await this.cut();
    this.mode = 'forward';
    await this.open();
  }
}

// An ErrorResponse as PostgreSQL sends it to the backends it terminates.
const TERMINATED = (() => {
  const fields = Buffer.from('SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0');
  const header = Buffer.alloc(5);
  header.write('E');
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
})();

/** Forwards the server's start-up messages; the first ReadyForQuery goes out with the error, in one write. */
function killAtStart(upstream: Socket, client: Socket) {
  let received = Buffer.alloc(0);
  upstream.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    let at = 0;
    while (at + 5 <= received.length) {
      const end = at + 1 + received.readInt32BE(at + 1);
      if (end > received.length) break;
      if (received[at] === 'Z'.charCodeAt(0)) {
        client.end(Buffer.concat([received.subarray(0, end), TERMINATED]));
        upstream.destroy();
        return;
      }
      at = end;
    }
    client.write(received.subarray(0, at));
    received = received.subarray(at);
  });
}

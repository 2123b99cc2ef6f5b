import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP hop the test controls (between a server and PostgreSQL, or a browser and a server), on a
 * port that stays the same: `cut` closes it and every connection through it (nothing listens: connection refused),
 * `hang` accepts connections and never answers, `restore` forwards again.
 */
export class TcpLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  mode: 'forward' | 'hang' = 'forward';
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
      client.pipe(upstream).pipe(client);
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


import { Client, ClientConfig } from 'pg';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { SESSION_ENDED_CHANNEL } from '../auth/session.service';

export interface EndedSessionsListener {
  close(): Promise<void>;
}

const RECONNECT_MS = 2_000;

/**
 * Hears every session that ends on this database (SessionService announces each with NOTIFY), on a
 * connection of its own. While that connection is down, announcements are lost: `onGap` is called
 * when it is back, so that the caller checks its sessions instead.
 */
export async function listenForEndedSessions(
  db: DataSource,
  handlers: { onEnded(sessionId: string): void; onGap(): void; log(message: string): void },
): Promise<EndedSessionsListener> {
  const { url, host, port, username, password, database } = db.options as Extract<DataSourceOptions, { type: 'postgres' }>;
  const config: ClientConfig = { connectionString: url, host, port, user: username, password: password as string | undefined, database };
  let client: Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (afterGap: boolean) => {
    const next = new Client(config);
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      next.end().catch(() => undefined);
      if (!closed) {
        handlers.log('lost the connection that hears ended sessions; reconnecting');
        retry = setTimeout(() => void connect(true), RECONNECT_MS).unref();
      }
    };
    client = next;
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', (message) => {
      if (message.channel === SESSION_ENDED_CHANNEL && message.payload) handlers.onEnded(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${SESSION_ENDED_CHANNEL}`);
      if (afterGap) handlers.onGap();
    } catch {
      lost();
    }
  };
  // Listening before the first socket opens; a database away at start is retried like a lost connection.
  await connect(false);

  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}

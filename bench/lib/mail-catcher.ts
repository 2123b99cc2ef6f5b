import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** Where and when a mail arrived. */
export interface Arrival {
  /** When the end of DATA arrived (ms since the epoch). */
  at: number;
  to: string[];
}

export interface MailCatcher<M> {
  /** The SMTP_URL that sends to it. */
  url: string;
  received: M[];
  /** Resolves when `count` mails arrived in all, within `ms`. */
  waitFor(count: number, ms?: number): Promise<M[]>;
  close(): Promise<void>;
}

/**
 * A receiving MTA owned by a test or a bench: a real SMTP server on a free port that keeps each mail
 * it is given as `read` makes it (a test parses the whole MIME message; a bench, which shares its
 * process with the server it measures, reads only a few headers).
 */
export async function catchMail<M>(read: (raw: string, arrival: Arrival) => M | Promise<M>): Promise<MailCatcher<M>> {
  const received: M[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const arrival = { at: Date.now(), to: session.envelope.rcptTo.map((r) => r.address) };
        Promise.resolve()
          .then(() => read(Buffer.concat(chunks).toString('utf8'), arrival))
          .then(
            (mail) => (received.push(mail), callback()),
            (error: Error) => callback(error),
          );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count, ms = 15_000) {
      for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
        if (received.length >= count) return received;
      }
      throw new Error(`expected ${count} mails, got ${received.length}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

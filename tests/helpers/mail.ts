import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import nodemailer, { SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** When the end of DATA arrived (ms since the epoch). */
  at: number;
  to: string[];
  mail: ParsedMail;
  raw: string;
}

export interface MailCatcher {
  /** The SMTP_URL that sends to it. */
  url: string;
  received: ReceivedMail[];
  /** Resolves when `count` mails arrived in all, within `ms`. */
  waitFor(count: number, ms?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** A receiving MTA owned by the test: a real SMTP server that keeps every mail it is given. */
export async function startMailCatcher(): Promise<MailCatcher> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const at = Date.now();
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (mail) => (received.push({ at, to: session.envelope.rcptTo.map((r) => r.address), mail, raw }), callback()),
          (error) => callback(error),
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

/** A mail client: sends `message` to an SMTP server on localhost, as a person's mail program would. */
export async function sendMail(port: number, message: SendMailOptions & { envelope?: { from: string; to: string[] } }) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

export const settleFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A header as it was written (mailparser folds the List-* headers into one structure). */
export const headerOf = (mail: ParsedMail, name: string) =>
  mail.headerLines
    .find((header) => header.key === name.toLowerCase())
    ?.line.replace(/^[^:]+:\s*/, '')
    .replace(/\r?\n\s+/g, ' ');

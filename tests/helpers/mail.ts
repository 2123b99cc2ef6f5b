import { ParsedMail, simpleParser } from 'mailparser';
import nodemailer, { SendMailOptions } from 'nodemailer';
import { Arrival, MailCatcher as Catcher, catchMail } from '../../bench/lib/mail-catcher';

export interface ReceivedMail extends Arrival {
  mail: ParsedMail;
  raw: string;
}

export type MailCatcher = Catcher<ReceivedMail>;

/** A receiving MTA owned by the test: a real SMTP server that keeps every mail it is given, parsed. */
export const startMailCatcher = (): Promise<MailCatcher> =>
  catchMail(async (raw, arrival) => ({ ...arrival, mail: await simpleParser(raw), raw }));

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

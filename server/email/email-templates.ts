import { describeSize } from '../attachments/file-name';
import { EmailStringKey, emailText, ratingScoreLabel } from './email-strings';

/** A file of a message, with its signed link for this email's recipient. */
export interface EmailFile {
  name: string;
  size: number;
  url: string;
}

/** One message of the conversation, as an email shows it. */
export interface EmailMessage {
  senderName: string;
  message: string;
  createdAt: Date;
  /** Listed under the news (earlier messages show text only). */
  files?: EmailFile[];
}

export interface EmailContent {
  locale: string;
  ticketNumber: number;
  ticketSubject: string;
  intro: { key: EmailStringKey; vars: Record<string, string | number> };
  /** What this email is about (may be empty, as for a closing). */
  news: EmailMessage[];
  /** The last few earlier public messages, newest first. */
  earlier: EmailMessage[];
  ticketUrl: string;
  unsubscribeUrl: string;
  /** When the files' links stop working. */
  filesUntil?: Date;
  /** A closing email's one-click rating links, one per score (docs/architecture.md §10). */
  rating?: RatingLinksBlock;
}

export interface RatingLinksBlock {
  links: { score: number; url: string }[];
  until: Date;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export const threadSubject = (ticketNumber: number, subject: string) => `[#${ticketNumber}] ${subject}`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A moment in an email, in the recipient's language. */
export const when = (date: Date, locale: string) =>
  date.toLocaleString(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

const STYLE = {
  body: 'margin:0;padding:24px;background:#f5f6f8;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2933;font-size:15px;line-height:1.5',
  card: 'max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #e3e6ea;border-radius:8px;padding:24px',
  message: 'margin:12px 0;padding:12px 16px;border-left:3px solid #3b6fd8;background:#f7f9fd;white-space:pre-wrap',
  earlier: 'margin:8px 0;padding:8px 12px;border-left:3px solid #d0d5db;color:#52606d;white-space:pre-wrap;font-size:14px',
  meta: 'font-size:13px;color:#5c6773;margin:0 0 4px',
  files: 'margin:8px 0 0;padding-left:20px;white-space:normal',
  button: 'display:inline-block;padding:10px 18px;background:#3b6fd8;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600',
  score:
    'display:inline-block;margin:0 6px 6px 0;padding:8px 12px;border:1px solid #3b6fd8;border-radius:6px;color:#1f4fb8;text-decoration:none;font-weight:600',
  footer: 'font-size:12px;color:#5c6773;margin-top:24px',
};

/**
 * A notification as text and HTML. The HTML has inline styles only (mail clients drop style
 * sheets), no images or scripts, and every piece of user text escaped.
 */
export function renderEmail(content: EmailContent): RenderedEmail {
  const { locale } = content;
  const say = (key: EmailStringKey, vars: Record<string, string | number> = {}) => emailText(locale, key, vars);
  const intro = say(content.intro.key, content.intro.vars);
  const textMessage = (m: EmailMessage, quote: string) =>
    `${quote}${m.senderName}, ${when(m.createdAt, locale)}:\n${m.message
      .split('\n')
      .map((line) => quote + line)
      .join('\n')}`;

  const filesHeading = () => say('email.attachments.heading', { date: when(content.filesUntil ?? new Date(), locale) });
  const textFiles = (files: EmailFile[]) =>
    `${filesHeading()}\n${files.map((f) => `- ${f.name} (${describeSize(f.size)}): ${f.url}`).join('\n')}`;

  const rating = content.rating && ratingBlock(content.rating, locale);
  const text = [
    intro,
    ...(rating ? [rating.text] : []),
    ...content.news.flatMap((m) => [textMessage(m, ''), ...(m.files?.length ? [textFiles(m.files)] : [])]),
    `${say('email.open')}: ${content.ticketUrl}`,
    say('email.replyHint'),
    ...(content.earlier.length ? [`-- ${say('email.earlier')} --`, ...content.earlier.map((m) => textMessage(m, '| '))] : []),
    `${say('email.unsubscribe.link')}: ${content.unsubscribeUrl}`,
  ].join('\n\n');

  const htmlFiles = (files: EmailFile[] = []) =>
    files.length
      ? `<p style="${STYLE.meta};margin-top:12px">${escapeHtml(filesHeading())}</p><ul style="${STYLE.files}">${files
          .map((f) => `<li><a href="${escapeHtml(f.url)}">${escapeHtml(f.name)}</a> (${escapeHtml(describeSize(f.size))})</li>`)
          .join('')}</ul>`
      : '';
  const htmlMessage = (m: EmailMessage, style: string) =>
    `<div style="${style}"><p style="${STYLE.meta}">${escapeHtml(m.senderName)} · ${escapeHtml(when(m.createdAt, locale))}</p>${escapeHtml(m.message)}${htmlFiles(m.files)}</div>`;
  const html = `<!doctype html>
<html lang="${locale === 'nl' ? 'nl' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(threadSubject(content.ticketNumber, content.ticketSubject))}</title></head>
<body style="${STYLE.body}"><div style="${STYLE.card}">
<p>${escapeHtml(intro)}</p>
${rating?.html ?? ''}
${content.news.map((m) => htmlMessage(m, STYLE.message)).join('\n')}
<p style="margin:20px 0"><a href="${escapeHtml(content.ticketUrl)}" style="${STYLE.button}">${escapeHtml(say('email.open'))}</a></p>
<p style="${STYLE.meta}">${escapeHtml(say('email.replyHint'))}</p>
${content.earlier.length ? `<p style="${STYLE.meta};margin-top:20px">${escapeHtml(say('email.earlier'))}</p>\n${content.earlier.map((m) => htmlMessage(m, STYLE.earlier)).join('\n')}` : ''}
<p style="${STYLE.footer}"><a href="${escapeHtml(content.unsubscribeUrl)}" style="color:#5c6773">${escapeHtml(say('email.unsubscribe.link'))}</a></p>
</div></body></html>`;

  return { subject: threadSubject(content.ticketNumber, content.ticketSubject), text, html };
}

/** The rating links of a closing email: a line asking, a link per score, and until when they work. */
function ratingBlock({ links, until }: RatingLinksBlock, locale: string): { text: string; html: string } {
  const say = (key: EmailStringKey, vars: Record<string, string | number> = {}) => emailText(locale, key, vars);
  const label = (score: number) => `${score} ${ratingScoreLabel(locale, score)}`;
  const untilLine = say('email.rating.until', { date: when(until, locale) });
  return {
    text: [say('email.rating.question'), ...links.map(({ score, url }) => `- ${label(score)}: ${url}`), untilLine].join('\n'),
    html:
      `<p style="margin:20px 0 8px;font-weight:600">${escapeHtml(say('email.rating.question'))}</p><p style="margin:0">` +
      links.map(({ score, url }) => `<a href="${escapeHtml(url)}" style="${STYLE.score}">${escapeHtml(label(score))}</a>`).join('') +
      `</p><p style="${STYLE.meta}">${escapeHtml(untilLine)}</p>`,
  };
}

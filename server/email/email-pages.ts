import express, { Router } from 'express';
import { DataSource } from 'typeorm';
import { Logger } from '../logger';
import { EmailStringKey, emailText } from './email-strings';
import { tokenHolder } from './email-tokens';

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A plain page of its own (no app, no script) for the links in emails; `head` may add a style sheet. */
export const page = (title: string, body: string, locale = 'en', head = '') =>
  `<!doctype html><html lang="${locale === 'nl' ? 'nl' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>${head}</head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5">${body}</body></html>`;

/**
 * The unsubscribe link of every email, without signing in (RFC 8058): POST turns the user's emails
 * off (what mail clients' one-click button sends); GET shows a page that asks first, because link
 * scanners open every GET.
 */
export function unsubscribeRouter(db: DataSource, log: Logger): Router {
  const router = Router();
  const holderOf = async (token: string) => {
    const holder = await tokenHolder(db.manager, 'unsubscribe', token);
    if (!holder) return null;
    const [user] = await db.query(`SELECT id, email, locale FROM users WHERE id = $1`, [holder.userId]);
    return user as { id: string; email: string; locale: string } | undefined;
  };
  const unknown = (res: express.Response, locale = 'en') =>
    res
      .status(404)
      .type('html')
      .send(page('Lex Support', `<p>${say(locale, 'email.unsubscribe.unknown')}</p>`, locale));
  const say = (locale: string, key: EmailStringKey, vars: Record<string, string> = {}) => escapeHtml(emailText(locale, key, vars));

  router.get('/email/unsubscribe/:token', async (req, res) => {
    const user = await holderOf(req.params.token);
    if (!user) return unknown(res);
    res
      .type('html')
      .send(
        page(
          emailText(user.locale, 'email.unsubscribe.title'),
          `<h1>${say(user.locale, 'email.unsubscribe.title')}</h1><p>${say(user.locale, 'email.unsubscribe.question', { email: user.email })}</p>` +
            `<form method="post"><button type="submit">${say(user.locale, 'email.unsubscribe.confirm')}</button></form>`,
          user.locale,
        ),
      );
  });
  router.post('/email/unsubscribe/:token', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res) => {
    const user = await holderOf(req.params.token);
    if (!user) return unknown(res);
    await db.query(`UPDATE users SET email_notifications = false WHERE id = $1`, [user.id]);
    log.info({ userId: user.id }, 'Email notifications turned off by an unsubscribe link');
    res.type('html').send(page('Lex Support', `<p>${say(user.locale, 'email.unsubscribe.done', { email: user.email })}</p>`, user.locale));
  });
  return router;
}

/**
 * Development only: every email the server wrote, from the outbox (`sent_emails`), so that a
 * newcomer sees them without an SMTP server. The HTML is shown from its own URL in a sandboxed
 * frame, under a policy that allows no scripts, no requests and no forms.
 */
export function devMailboxRouter(db: DataSource): Router {
  const router = Router();
  router.get('/dev/mailbox', async (_req, res) => {
    const rows = await db.query(`SELECT key, recipient, subject, created_at FROM sent_emails ORDER BY created_at DESC LIMIT 200`);
    const items = rows
      .map(
        (row: { key: string; recipient: string; subject: string; created_at: Date }) =>
          `<tr><td>${escapeHtml(row.created_at.toISOString())}</td><td>${escapeHtml(row.recipient)}</td><td><a href="/dev/mailbox/${encodeURIComponent(row.key)}">${escapeHtml(row.subject)}</a></td></tr>`,
      )
      .join('');
    res
      .type('html')
      .send(
        page(
          'Mailbox',
          `<h1>Mailbox (development)</h1><table cellpadding="4"><tr><th>When</th><th>To</th><th>Subject</th></tr>${items}</table>`,
        ),
      );
  });
  router.get('/dev/mailbox/:key', async (req, res) => {
    const [email] = await db.query(`SELECT * FROM sent_emails WHERE key = $1`, [req.params.key]);
    if (!email) return res.status(404).type('text').send('No such email');
    const headers = Object.entries(email.headers as Record<string, string>)
      .map(([name, value]) => `${escapeHtml(name)}: ${escapeHtml(value)}`)
      .join('\n');
    res
      .type('html')
      .send(
        page(
          email.subject,
          `<p><a href="/dev/mailbox">← Mailbox</a></p><h1>${escapeHtml(email.subject)}</h1><pre>To: ${escapeHtml(email.recipient)}\n${headers}</pre>` +
            `<h2>HTML</h2><iframe sandbox src="/dev/mailbox/${encodeURIComponent(email.key)}/html" style="width:100%;height:32rem;border:1px solid #ccc"></iframe>` +
            `<h2>Text</h2><pre style="white-space:pre-wrap">${escapeHtml(email.text_body)}</pre>`,
        ),
      );
  });
  router.get('/dev/mailbox/:key/html', async (req, res) => {
    const [email] = await db.query(`SELECT html_body FROM sent_emails WHERE key = $1`, [req.params.key]);
    if (!email) return res.status(404).type('text').send('No such email');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
    );
    res.type('html').send(email.html_body);
  });
  return router;
}

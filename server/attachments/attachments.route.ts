import express, { Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../auth/viewer';
import { ErrorCode } from '../contract';
import { escapeHtml, page } from '../email/email-pages';
import { t, resolveLocale } from '../i18n';
import type { Logger } from '../logger';
import type { RateLimits } from '../security/rate-limits';
import { Attachment } from './attachment.entity';
import { AttachmentService, UploadRefused } from './attachments.service';
import type { EmailFileLinks } from './email-links';
import { receiveUpload } from './receive-upload';

export interface AttachmentsRouteDeps {
  attachments: AttachmentService;
  links: EmailFileLinks;
  authenticate(headers: IncomingHttpHeaders): Promise<Viewer | null>;
  rateLimits: RateLimits;
  maxBytes: number;
  receivingDir: string;
  log: Logger;
}

/** Errors in the shape GraphQL errors have, so that clients read every answer of the API alike. */
function fail(res: Response, status: number, code: string, message: string, field?: string) {
  if (res.headersSent) return res.destroy();
  res.status(status).json({ errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] });
}

// Browsers may show these four in the page; everything else only downloads.
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** `attachment; filename="…"` with an ASCII fallback and the real name in RFC 5987 form. */
function disposition(type: 'inline' | 'attachment', name: string) {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * POST /uploads, and GET of the files for those who may see them, signed in or by the signed link
 * of an email (docs/architecture.md §7).
 * The preflight header keeps cross-site forms out: a form cannot set it, and a script of another
 * origin that sets it needs a CORS preflight, which only PUBLIC_ORIGIN passes.
 */
export function attachmentsRouter({ attachments, links, authenticate, rateLimits, maxBytes, receivingDir, log }: AttachmentsRouteDeps) {
  const router = express.Router();

  router.post('/uploads', async (req, res) => {
    if (!req.get('apollo-require-preflight')) {
      return fail(res, 400, ErrorCode.BAD_REQUEST, 'Uploads need the header Apollo-Require-Preflight: true');
    }
    const viewer = await authenticate(req.headers);
    if (!viewer) return fail(res, 401, ErrorCode.UNAUTHENTICATED, 'You need to sign in');
    try {
      await rateLimits.consume('upload', viewer.id);
    } catch (error) {
      const retryAfter = Number((error as GraphQLError).extensions?.retryAfter ?? 60);
      res.setHeader('Retry-After', String(retryAfter));
      return fail(res, 429, ErrorCode.RATE_LIMITED, (error as Error).message);
    }
    let upload: Awaited<ReturnType<typeof receiveUpload>> | undefined;
    try {
      upload = await receiveUpload(req, maxBytes, receivingDir);
      const stored = await attachments.accept(viewer, upload);
      res.status(201).json({ id: stored.id, name: stored.name, size: stored.size, contentType: stored.contentType });
    } catch (error) {
      if (error instanceof UploadRefused) return fail(res, error.status, ErrorCode.BAD_USER_INPUT, error.message, 'file');
      log.error({ err: error }, 'upload failed');
      fail(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'The upload could not be stored; try again');
    } finally {
      await upload?.discard();
    }
  });

  const send = async (res: Response, part: 'file' | 'thumbnail', { attachment, body }: { attachment: Attachment; body: Readable }) => {
    const type = part === 'thumbnail' ? 'image/webp' : attachment.contentType;
    res.setHeader('Content-Type', type.startsWith('text/') ? `${type}; charset=utf-8` : type);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Whatever a browser makes of the bytes, it runs no script and reaches no origin.
    res.setHeader('Content-Security-Policy', 'sandbox');
    res.setHeader('Content-Disposition', disposition(INLINE.has(type) ? 'inline' : 'attachment', attachment.name));
    res.setHeader('Cache-Control', 'private, max-age=3600');
    if (part === 'file') res.setHeader('Content-Length', String(attachment.size));
    await pipeline(body, res).catch((error) => log.warn({ err: error, attachment: attachment.id }, 'attachment download ended early'));
  };

  const download =
    (part: 'file' | 'thumbnail'): express.RequestHandler =>
    async (req, res) => {
      const viewer = await authenticate(req.headers);
      // Signed out, someone else's, guessed or missing: the same answer.
      const found = viewer && (await attachments.open(viewer, String(req.params.id), part));
      if (!found) return fail(res, 404, ErrorCode.NOT_FOUND, 'Attachment not found');
      await send(res, part, found);
    };
  // Thumbnails under a path of their own: under /attachments/:id/ any name (a file called
  // "thumbnail") would be taken for one.
  router.get('/thumbnails/:id', download('thumbnail'));
  router.get('/attachments/:id/:name', download('file'));

  // The links in emails, opened from a mail program: a page in the reader's language when the
  // link is no good. Tampered, unknown, or for a file its recipient may not see: one answer.
  router.get('/email/attachments/:token/:name', async (req, res) => {
    const linked = await links.open(String(req.params.token));
    if (linked.kind === 'file') return send(res, 'file', linked);
    const locale = resolveLocale({ acceptLanguage: req.headers['accept-language'] });
    const title = t(locale, 'email.attachments.unavailable');
    const message = t(locale, linked.kind === 'expired' ? 'email.attachments.expired' : 'email.attachments.invalid');
    res
      .status(linked.kind === 'expired' ? 403 : 404)
      .setHeader('Cache-Control', 'no-store')
      .type('html')
      .send(page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`, locale));
  });
  return router;
}

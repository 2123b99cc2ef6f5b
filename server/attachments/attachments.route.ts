import express, { Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../auth/viewer';
import { ErrorCode } from '../contract';
import type { Logger } from '../logger';
import type { RateLimits } from '../security/rate-limits';
import { AttachmentService, UploadRefused } from './attachments.service';
import { sniffFileKind } from './file-kind';
import { receiveUpload } from './receive-upload';

export interface AttachmentsRouteDeps {
  attachments: AttachmentService;
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
 * POST /uploads, and GET of the files for those who may see them (docs/architecture.md §7).
 * The preflight header keeps cross-site forms out: a form cannot set it, and a script of another
 * origin that sets it needs a CORS preflight, which only PUBLIC_ORIGIN passes.
 */
export function attachmentsRouter({ attachments, authenticate, rateLimits, maxBytes, receivingDir, log }: AttachmentsRouteDeps) {
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
      const kind = await sniffFileKind(upload.head, upload.name);
      if (!kind.allowed) throw new UploadRefused(415, `${upload.name} is ${kind.described}, which cannot be attached`);
      const stored = await attachments.store(viewer, {
        path: upload.path,
        name: upload.name,
        contentType: kind.contentType,
        image: kind.image,
      });
      res.status(201).json({ id: stored.id, name: stored.name, size: stored.size, contentType: stored.contentType });
    } catch (error) {
      if (error instanceof UploadRefused) return fail(res, error.status, ErrorCode.BAD_USER_INPUT, error.message, 'file');
      log.error({ err: error }, 'upload failed');
      fail(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'The upload could not be stored; try again');
    } finally {
      await upload?.discard();
    }
  });

  const download =
    (part: 'file' | 'thumbnail'): express.RequestHandler =>
    async (req, res) => {
      const viewer = await authenticate(req.headers);
      // Signed out, someone else's, guessed or missing: the same answer.
      const found = viewer && (await attachments.open(viewer, String(req.params.id), part));
      if (!found) return fail(res, 404, ErrorCode.NOT_FOUND, 'Attachment not found');
      const { attachment, body } = found;
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
  // Thumbnails under a path of their own: under /attachments/:id/ any name (a file called
  // "thumbnail") would be taken for one.
  router.get('/thumbnails/:id', download('thumbnail'));
  router.get('/attachments/:id/:name', download('file'));
  return router;
}

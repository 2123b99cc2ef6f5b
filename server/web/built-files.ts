import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';

/**
 * The web app's built files (dist/client), as phones should get them: compressed at build time
 * (client/vite-precompress.ts writes `file.br` and `file.gz` beside each text file), so nothing is
 * compressed per request; hashed files cached for a year, index.html asked again every time.
 * docs/architecture.md §9.
 */

/** Vite's `assets/` files carry a hash of their content in their names: a new build has new names. */
export const HASHED_FILES = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: revalidated on every load (a 304 while unchanged). */
export const INDEX_HTML = 'no-cache';
/** Files of `client/public` keep their names across builds. */
export const PUBLIC_FILES = 'public, max-age=3600';

export type Encoding = 'br' | 'gzip';
const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/**
 * The encoding to send for an `Accept-Encoding` header, among those built: the one the browser
 * weighs highest, brotli on a tie (smaller); none when it accepts neither (`q=0` refuses, `*` stands
 * for any encoding it did not name).
 */
export function preferredEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  const weights = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weight = (encoding: Encoding) => weights.get(encoding) ?? weights.get('*') ?? 0;
  const best = weight('br') >= weight('gzip') ? 'br' : 'gzip';
  return weight(best) > 0 ? best : undefined;
}

/** A request path as a file of the build (`assets/index-abc.js`), or undefined when it cannot be one. */
export function builtFilePath(requestPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  const parts = decoded.split('/').filter(Boolean);
  // No `..`, no hidden files, no NUL: whatever the request, only files of the build.
  if (!parts.length || decoded.includes('\0') || parts.some((part) => part.startsWith('.'))) return undefined;
  return parts.join('/');
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Sends `file` (within `dir`) in the best encoding built beside it, or as it is. */
async function sendBuilt(req: Request, res: Response, next: NextFunction, dir: string, file: string, cacheControl: string) {
  res.vary('Accept-Encoding');
  const encoding = preferredEncoding(req.headers['accept-encoding']);
  let sent = file;
  if (encoding && (await isFile(path.join(dir, file + SUFFIX[encoding])))) {
    sent = file + SUFFIX[encoding];
    res.set('Content-Encoding', encoding);
  }
  res.type(path.extname(file)).set('Cache-Control', cacheControl);
  res.sendFile(sent, { root: dir, cacheControl: false, dotfiles: 'deny' }, (error) => error && next(error));
}

/**
 * GET anything outside the API: a file of the build when there is one, a 404 for a missing hashed
 * file (never index.html in its place, which a browser would run as a script), else index.html
 * (client-side routes).
 */
export function builtFilesRouter(dir: string): Router {
  const router = Router();
  router.get('/{*path}', async (req, res, next) => {
    try {
      const file = builtFilePath(req.path);
      if (file && file !== 'index.html' && (await isFile(path.join(dir, file)))) {
        return await sendBuilt(req, res, next, dir, file, file.startsWith('assets/') ? HASHED_FILES : PUBLIC_FILES);
      }
      if (file?.startsWith('assets/')) return void res.status(404).type('text').send('Not found\n');
      await sendBuilt(req, res, next, dir, 'index.html', INDEX_HTML);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

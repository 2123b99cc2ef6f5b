import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import express, { Router } from 'express';
import { DocumentNode, GraphQLError, Kind, visit, BREAK } from 'graphql';
import type { Viewer } from '../auth/viewer';
import type { Context } from '../context';

export interface PlaygroundOptions {
  /** The built playground (`npm run build:playground` writes dist/playground). */
  dir: string;
  /** In production only signed-in users get the playground (and introspection). */
  production: boolean;
  viewerOf(req: IncomingMessage): Promise<Viewer | null>;
}

/** Where the playground's built files are served from (Vite's `base` in playground/vite.config.ts). */
export const PLAYGROUND_ASSETS = '/playground';

/** The build output beside the web app's: dist/client → dist/playground. */
export const playgroundDir = (clientDir: string) => path.join(path.dirname(path.resolve(clientDir)), 'playground');

// Everything the page loads comes from this server; the browser refuses anything else.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SIGN_IN_FIRST = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lex Support GraphQL playground</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; line-height: 1.5">
<h1>Sign in first</h1>
<p>The GraphQL playground is for signed-in users. <a href="/">Sign in to Lex Support</a>, then open
<code>/graphql</code> again.</p>
</body></html>
`;

/** A browser asking for a page (Accept prefers text/html), not a GraphQL client asking for JSON. */
export function wantsHtml(req: express.Request): boolean {
  return req.method === 'GET' && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

/**
 * GET /graphql from a browser: GraphiQL, bundled from npm and served from here (no CDN), with
 * subscriptions over graphql-ws and the browser's own session cookie. In production anonymous
 * callers get a "sign in first" page (401) and none of the playground's files.
 */
export function playgroundRouter({ dir, production, viewerOf }: PlaygroundOptions): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');
  const allowed = async (req: express.Request) => !production || (await viewerOf(req)) !== null;

  router.get('/graphql', async (req, res, next) => {
    if (!wantsHtml(req)) return next();
    res.set('Cache-Control', 'no-store').vary('Accept').vary('Cookie');
    if (!(await allowed(req))) return res.status(401).type('html').send(SIGN_IN_FIRST);
    if (!existsSync(index)) {
      return res.status(404).type('text').send('The GraphQL playground is not built: run `npm run build:playground`.\n');
    }
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY).set('X-Content-Type-Options', 'nosniff');
    res.sendFile(index);
  });

  router.use(
    PLAYGROUND_ASSETS,
    async (req, res, next) => {
      if (await allowed(req)) return next();
      res.status(404).type('text').send('Not found\n');
    },
    // File names carry a content hash; a missing file is a 404, never the web app's index.html.
    express.static(dir, { index: false, immutable: true, maxAge: '1y' }),
    (_req: express.Request, res: express.Response) => void res.status(404).type('text').send('Not found\n'),
  );
  return router;
}

/** Whether the operation asks about the schema itself (`__schema` or `__type`; `__typename` is fine). */
export function isIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** In production introspection is for signed-in users only; anonymous callers get UNAUTHENTICATED. */
export function introspectionGuard(production: boolean): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      if (!production) return;
      return {
        async didResolveOperation({ contextValue, document }) {
          if (contextValue.viewer || !document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)) return;
          if (isIntrospection(document)) {
            throw new GraphQLError('Sign in to introspect the schema', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
      };
    },
  };
}

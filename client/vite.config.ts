import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress } from './vite-precompress';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.LEX_API_URL ?? 'http://localhost:4000';

/**
 * In development the page comes from Vite (another port) while the API checks
 * the WebSocket Origin against PUBLIC_ORIGIN: present the API's own origin.
 */
const graphqlProxy = {
  target: apiTarget,
  ws: true,
  configure: (proxy: { on(event: string, fn: (req: { setHeader(n: string, v: string): void }) => void): void }) => {
    const origin = new URL(apiTarget).origin;
    proxy.on('proxyReq', (req) => req.setHeader('origin', origin));
    proxy.on('proxyReqWs', (req) => req.setHeader('origin', origin));
  },
};

/** What the API serves besides GraphQL that the web app calls: uploads, files and their thumbnails. */
const apiProxy = {
  '/graphql': graphqlProxy,
  '/uploads': apiTarget,
  '/attachments': apiTarget,
  '/thumbnails': apiTarget,
};

export default defineConfig({
  root,
  plugins: [react(), precompress()],
  build: {
    outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The libraries every page needs in one file (a year in caches, and most releases of the app's
    // own code leave it unchanged); the pages in files of their own (src/page-files.ts). uPlot is the
    // reports page's alone: it stays in that page's file, so no other page downloads it.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules[\\/](?!uplot[\\/])/ }] } } },
  },
  server: {
    port: 5173,
    proxy: apiProxy,
  },
  preview: {
    proxy: apiProxy,
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The GraphQL playground (GraphiQL) as its own small bundle, apart from the web app's: the server
 * serves dist/playground/index.html at GET /graphql and the files under /playground/.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/playground/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/playground', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // GraphiQL and its editor (Monaco) are large; they load only on this page.
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      // GraphiQL's modules start with "use no memo" (a React Compiler hint); dropping it is harmless.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});

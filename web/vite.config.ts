// Vite config for the Lanes dashboard. `npm run build:web` (web/build-web.ts) builds with it;
// `npx vite web` serves it for development, proxying /api to a running Lanes server
// (LANES_DEV_API, default http://127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': { target: process.env.LANES_DEV_API ?? 'http://127.0.0.1:8080', changeOrigin: true } },
  },
});

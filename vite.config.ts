// The renderer bundle. Root is renderer/, output goes where the Electron main process and the
// web server both load it from (dist/renderer). `base: './'` keeps asset URLs relative so the
// same build works over file:// (Electron) and http:// (web mode, any path).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small app: a single chunk loads fastest from file:// and loopback alike.
    modulePreload: false,
    reportCompressedSize: false,
  },
  server: { strictPort: false },
});

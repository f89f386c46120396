// Bundles the Node-side entry points with esbuild and the renderer with Vite.
// Native and optional modules stay external: raw-socket and ssh2's optional cpu-features.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(path.join(root, 'dist'), { recursive: true });

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = ['electron', 'raw-socket', 'cpu-features', 'ssh2', 'ws', 'bufferutil', 'utf-8-validate', 'better-sqlite3'];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  external,
  logLevel: 'warning',
  absWorkingDir: root,
  define: { SCANREADY_VERSION: JSON.stringify(pkg.version) },
};

const entries = [
  ['electron/cli/main.ts', 'dist/cli.cjs'],
  ['electron/app/main.ts', 'dist/main.cjs'],
  ['electron/preload/index.ts', 'dist/preload.cjs'],
];
// In the Electron main bundle raw-socket is loaded lazily through a shim (electron/app/rawSocketLazy.cjs):
// the addon in node_modules is built for Node's ABI, not Electron's.
const lazyRawSocket = {
  name: 'lazy-raw-socket',
  setup(b) {
    const shim = path.join(root, 'electron', 'app', 'rawSocketLazy.cjs');
    b.onResolve({ filter: /^raw-socket$/ }, (args) => (args.importer === shim ? { path: 'raw-socket', external: true } : { path: shim }));
  },
};
for (const [entry, outfile] of entries) {
  if (!existsSync(path.join(root, entry))) continue;
  const plugins = outfile === 'dist/main.cjs' ? [lazyRawSocket] : [];
  await build({ ...common, external: external.filter((e) => plugins.length === 0 || e !== 'raw-socket'), plugins, entryPoints: [entry], outfile });
}

if (existsSync(path.join(root, 'renderer', 'index.html')) && !process.argv.includes('--no-renderer')) {
  const vite = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}

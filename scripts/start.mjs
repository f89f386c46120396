// `npm start`: build if needed, then the desktop app when it can run here, else web mode.
// Says exactly why it picked web mode. Extra arguments go to `scanready serve`
// (e.g. `npm start -- --port 8080`); `npm start -- --web` forces web mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceWeb = args.includes('--web');
const serveArgs = args.filter((a) => a !== '--web');

const say = (line) => process.stderr.write(`scanready: ${line}\n`);

/** Builds when any output is missing (a fresh checkout after `npm install --ignore-scripts`, or a cleaned dist). */
function ensureBuilt() {
  const needed = ['dist/cli.cjs', 'dist/main.cjs', 'dist/preload.cjs', 'dist/renderer/index.html'];
  const missing = needed.filter((f) => !existsSync(path.join(root, f)));
  if (missing.length === 0) return;
  say(`building (missing ${missing.join(', ')})…`);
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    say('the build failed; see above');
    process.exit(r.status ?? 1);
  }
}

/** Path of the Electron binary, or the reason there is none. */
function electronBinary() {
  const require = createRequire(path.join(root, 'package.json'));
  try {
    require.resolve('electron/package.json');
  } catch {
    // `electron` is an optional dependency: npm drops it when its binary download fails.
    return { reason: 'Electron is not installed (its download failed during `npm install`, e.g. no access to the download host; `npm install` again where it can download)' };
  }
  let bin;
  try {
    // node_modules/electron exports the binary's path (and throws when the download never happened).
    bin = require('electron');
  } catch {
    bin = null;
  }
  if (typeof bin !== 'string' || !existsSync(bin)) {
    return { reason: 'Electron\'s binary is missing (ELECTRON_SKIP_BINARY_DOWNLOAD was set during `npm install`, or the download failed)' };
  }
  return { bin };
}

function displayReason() {
  if (process.platform !== 'linux') return null;
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return null;
  return 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
}

function runWeb(reason) {
  say(`${reason}: starting web mode instead — open the URL below in a browser.`);
  const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.cjs'), 'serve', ...serveArgs], { cwd: root, stdio: 'inherit' });
  const forward = (sig) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

function runElectron(bin) {
  const electronArgs = [root];
  if (process.platform === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0) {
    // Chromium refuses to run as root with its sandbox; raw sockets work directly as root.
    electronArgs.push('--no-sandbox');
    say('running as root: Chromium\'s renderer sandbox is off (Chromium requires that for root); probes use raw sockets directly.');
  }
  const started = Date.now();
  const child = spawn(bin, electronArgs, { cwd: root, stdio: 'inherit' });
  child.on('error', (err) => runWeb(`Electron could not start (${err.message})`));
  child.on('exit', (code, signal) => {
    // A crash right at start (missing system libraries, no usable GPU/display) → web mode.
    if (code !== 0 && code !== null && Date.now() - started < 5000) {
      runWeb(`Electron exited with status ${code} at start-up`);
      return;
    }
    process.exit(code ?? (signal ? 0 : 1));
  });
}

ensureBuilt();
if (forceWeb) runWeb('--web given');
else {
  const electron = electronBinary();
  const noDisplay = displayReason();
  if (!electron.bin) runWeb(electron.reason);
  else if (noDisplay) runWeb(noDisplay);
  else runElectron(electron.bin);
}

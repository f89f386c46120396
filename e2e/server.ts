/**
 * Starts ScanReady's web mode for tests and measurements: `scanready serve --port 0` with its
 * own state directory; the first stdout line is the URL with the per-run token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.cjs');

/** Starts `scanready serve --port 0` and resolves with the URL (token included) from its first stdout line. */
export async function startServer(home: string): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  // --user-data and SCANREADY_USER_DATA both point the service at this run's own directory.
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--user-data', home], {
    cwd: ROOT,
    env: { ...process.env, SCANREADY_USER_DATA: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (err.length < 20_000) err += d.toString('utf8');
  });
  const rl = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`scanready serve printed no URL within 20 s. stderr: ${err}`)), 20_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = /(https?:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
      else reject(new Error(`first line of scanready serve is not a URL: ${line}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scanready serve exited with ${code}. stderr: ${err}`));
    });
  });
  // Keep draining stdout so the server never blocks on a full pipe.
  rl.on('line', () => {});
  return { url, child, stderr: () => err };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}


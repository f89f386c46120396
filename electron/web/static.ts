/**
 * Serving the built renderer (dist/renderer) safely: path resolution that cannot leave the
 * root, content types, and the Content-Security-Policy. Used by web mode and by the Electron
 * app's `app://` protocol, so both load the renderer under the same rules.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * No inline or eval'd script, no inline <style> blocks, nothing from other origins; `connect-src`
 * adds the exact WebSocket origin in web mode. React's `style={}` goes through CSSOM and is
 * not affected by `style-src`.
 */
export function rendererCsp(extraConnect: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${extraConnect.map((c) => ` ${c}`).join('')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticFile {
  file: string;
  body: Buffer;
  type: string;
}

/**
 * Maps a URL path to a file under `root`. Unknown paths without an extension fall back to
 * index.html (client-side routes); `..`, encoded separators and NUL never escape the root.
 * Returns null when there is nothing to serve.
 */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rootAbs = path.resolve(root);
  const rel = path.posix.normalize(`/${decoded}`).replace(/^\/+/, '');
  let file = path.resolve(rootAbs, rel === '' ? 'index.html' : rel);
  if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) return null;
  let stat = await fs.stat(file).catch(() => null);
  if (stat?.isDirectory()) {
    file = path.join(file, 'index.html');
    stat = await fs.stat(file).catch(() => null);
  }
  if (!stat?.isFile()) {
    if (path.extname(rel) !== '') return null;
    file = path.join(rootAbs, 'index.html');
    stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) return null;
  }
  // Symlinks must not lead out of the root either.
  const real = await fs.realpath(file);
  const realRoot = await fs.realpath(rootAbs);
  if (!real.startsWith(realRoot + path.sep)) return null;
  return { file: real, body: await fs.readFile(real), type: contentType(real) };
}

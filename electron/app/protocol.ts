/**
 * What the `app://scanready/...` protocol answers: files of dist/renderer with the strict CSP
 * as a real header (file:// pages cannot get one). Plain Node; main.ts wraps it in a Response.
 */
import { readStatic, rendererCsp } from '../web/static.js';
import { APP_HOST, APP_SCHEME } from './security.js';

export interface ProtocolAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export async function answerAppRequest(rendererDir: string, rawUrl: string): Promise<ProtocolAnswer> {
  const headers = {
    'content-security-policy': rendererCsp(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 400, headers: { ...headers, 'content-type': 'text/plain' }, body: 'bad url' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 404, headers: { ...headers, 'content-type': 'text/plain' }, body: 'not found' };
  const file = await readStatic(rendererDir, url.pathname);
  if (!file) {
    const missingUi = url.pathname === '/' || url.pathname === '/index.html';
    return {
      status: 404,
      headers: { ...headers, 'content-type': missingUi ? 'text/html; charset=utf-8' : 'text/plain' },
      body: missingUi
        ? '<!doctype html><meta charset="utf-8"><title>ScanReady</title><p>The ScanReady UI is not built: run <code>npm run build</code>.</p>'
        : 'not found',
    };
  }
  return { status: 200, headers: { ...headers, 'content-type': file.type }, body: file.body };
}

/**
 * Remote output is bytes, not text: decode defensively, strip terminal control sequences,
 * cap sizes. Nothing here ever interprets remote output as a command.
 */

import { stripTerminalControls } from '../../shared/inertText.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** 1 MiB: the most we keep of one command's output. */
export const DEFAULT_OUTPUT_CAP = 1024 * 1024;

/** Decodes bytes (invalid UTF-8 becomes U+FFFD), drops ANSI escapes, CRs and other control characters but \n and \t. */
export function decodeOutput(buf: Buffer | Uint8Array): string {
  return cleanText(decoder.decode(buf));
}

/** Remote text made inert: the one sanitizer in shared/inertText.ts (escape sequences removed whole). */
export function cleanText(s: string): string {
  return stripTerminalControls(s);
}

/** Shortens a string for evidence fields. */
export function clip(s: string, max = 2000): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max)}… [${s.length - max} more characters cut]`;
}

/** Removes every occurrence of the given secrets (defence in depth: evidence must never carry one). */
export function scrub(s: string, secrets: readonly (string | undefined)[]): string {
  let out = s;
  for (const secret of secrets) {
    if (secret && secret.length >= 1) out = out.split(secret).join('[secret removed]');
  }
  return out;
}

/**
 * `value` with every string in it (at any depth up to 8, keys kept) passed through `scrub`.
 * Evidence objects are plain JSON (strings, numbers, booleans, null, arrays, objects).
 */
export function scrubDeep<T>(value: T, secrets: readonly (string | undefined)[]): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrub(v, secrets);
    if (depth > 8 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, depth + 1)]));
  };
  // Same shape in, same shape out: only string values change.
  return walk(value, 0) as T;
}

/** Collects stream chunks up to a byte cap; remembers that it cut. */
export class CappedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  total = 0;
  constructor(private readonly cap: number = DEFAULT_OUTPUT_CAP) {}
  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.size >= this.cap) {
      this.truncated = true;
      return;
    }
    const room = this.cap - this.size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(Buffer.from(part));
    this.size += part.length;
  }
  get length(): number {
    return this.size;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

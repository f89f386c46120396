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

/**
 * NDJSON plumbing for the elevated probe helper's pipe: split a byte stream into lines (UTF-8
 * safe, bounded line length) and parse each line as JSON.
 */
import { StringDecoder } from 'node:string_decoder';

/** One JSON line may not exceed this (a HostResult with every probe is a few KB). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/**
 * Splits a chunk stream into lines in time linear in its length: each chunk is searched once for
 * newlines, and the pieces of an unfinished line are joined once, when its newline arrives.
 */
export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  /** Pieces of the line that has not ended yet, and their total length. */
  private parts: string[] = [];
  private pending = 0;
  private work = 0;

  constructor(private readonly maxLine = MAX_LINE_BYTES) {}

  /** Characters searched and copied so far: at most twice what was pushed (a count, for the tests). */
  get charsProcessed(): number {
    return this.work;
  }

  /** Complete lines in this chunk (without the newline); the rest waits for the next chunk. */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      let line = text.slice(start, nl);
      if (this.parts.length > 0) {
        this.parts.push(line);
        line = this.parts.join('');
        this.work += line.length;
        this.parts = [];
        this.pending = 0;
      }
      lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = nl + 1;
    }
    this.work += text.length;
    if (start < text.length) {
      this.parts.push(text.slice(start));
      this.pending += text.length - start;
    }
    if (this.pending > this.maxLine) throw new Error(`a line of output is longer than ${this.maxLine} bytes`);
    return lines;
  }

  /** The last line when the stream ended without a newline. */
  flush(): string[] {
    this.parts.push(this.decoder.end());
    const rest = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    return rest.trim() === '' ? [] : [rest];
  }
}

export type NdjsonItem = { ok: true; value: unknown } | { ok: false; line: string; message: string };

/** Parses NDJSON from a chunk stream as it arrives; blank lines are skipped, bad lines reported. */
export async function* readNdjson(source: AsyncIterable<Buffer | string>): AsyncGenerator<NdjsonItem> {
  const splitter = new LineSplitter();
  const parse = (line: string): NdjsonItem | null => {
    if (line.trim() === '') return null;
    try {
      return { ok: true, value: JSON.parse(line) as unknown };
    } catch (err) {
      return { ok: false, line: line.slice(0, 200), message: (err as Error).message };
    }
  };
  for await (const chunk of source) {
    for (const line of splitter.push(chunk)) {
      const item = parse(line);
      if (item) yield item;
    }
  }
  for (const line of splitter.flush()) {
    const item = parse(line);
    if (item) yield item;
  }
}

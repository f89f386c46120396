/**
 * NDJSON plumbing for the elevated probe helper's pipe: split a byte stream into lines (UTF-8
 * safe, bounded line length) and parse each line as JSON.
 */
import { StringDecoder } from 'node:string_decoder';

/** One JSON line may not exceed this (a HostResult with every probe is a few KB). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  private buffer = '';

  constructor(private readonly maxLine = MAX_LINE_BYTES) {}

  /** Complete lines in this chunk (without the newline); the rest waits for the next chunk. */
  push(chunk: Buffer | string): string[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    if (this.buffer.length > this.maxLine) throw new Error(`a line of output is longer than ${this.maxLine} bytes`);
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** The last line when the stream ended without a newline. */
  flush(): string[] {
    this.buffer += this.decoder.end();
    const rest = this.buffer;
    this.buffer = '';
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

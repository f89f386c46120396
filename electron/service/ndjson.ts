/**
 * NDJSON plumbing for the elevated probe helper: split a byte stream into lines (UTF-8 safe,
 * bounded line length), parse each line as JSON, and follow a file that another process is
 * writing (macOS and Windows elevation cannot pipe stdout back to us).
 */
import { promises as fs } from 'node:fs';
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

export interface TailOptions {
  /** True once the writer has finished; the tail then drains what is left and ends. */
  isDone: () => boolean;
  signal?: AbortSignal;
  intervalMs?: number;
}

/** Yields what is appended to `file` until the writer is done (file may not exist yet). */
export async function* tailFile(file: string, opts: TailOptions): AsyncGenerator<Buffer> {
  const interval = opts.intervalMs ?? 100;
  let offset = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    if (opts.signal?.aborted) return;
    const done = opts.isDone();
    let fh: fs.FileHandle | null = null;
    try {
      fh = await fs.open(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (fh) {
      try {
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          yield Buffer.from(buf.subarray(0, bytesRead));
        }
      } finally {
        await fh.close();
      }
    }
    // `done` was sampled before the last read, so everything written before exit has been read.
    if (done) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, interval);
      opts.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}

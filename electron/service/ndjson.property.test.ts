/**
 * Property tests (fast-check) for the NDJSON reader of the elevated helper's output: however the
 * bytes are cut into chunks, the same items come out; any bytes give items (parsed or reported
 * bad), never an exception; an over-long line is the one typed error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, readNdjson, type NdjsonItem } from './ndjson.js';

function* chunksOf(buf: Buffer, cuts: number[]): Generator<Buffer> {
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => Math.min(buf.length, x)))].sort((a, b) => a - b)) {
    if (c > at) yield buf.subarray(at, c);
    at = Math.max(at, c);
  }
  if (at < buf.length) yield buf.subarray(at);
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

async function collect(buf: Buffer, cuts: number[]): Promise<NdjsonItem[]> {
  const out: NdjsonItem[] = [];
  for await (const item of readNdjson(asAsync(chunksOf(buf, cuts)))) out.push(item);
  return out;
}

describe('NDJSON reader properties', () => {
  it('JSON values written one per line come back unchanged, wherever the stream is cut (UTF-8 safe)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), async (values, cuts, crlf) => {
        const text = values.map((v) => JSON.stringify(v)).join(crlf ? '\r\n' : '\n') + (values.length > 0 ? '\n' : '');
        const buf = Buffer.from(text, 'utf8');
        const items = await collect(buf, cuts.map((c) => c % (buf.length + 1)));
        expect(items).toEqual(values.map((v) => ({ ok: true, value: JSON.parse(JSON.stringify(v)) as unknown })));
      }),
      { numRuns: 300 },
    );
  });

  it('any bytes in any chunks: parsed or reported items, the same as read in one piece, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat({ max: 400 }), { maxLength: 10 }), async (bytes, cuts) => {
        const buf = Buffer.from(bytes);
        const whole = await collect(buf, []);
        const cut = await collect(buf, cuts);
        expect(cut).toEqual(whole);
        for (const item of cut) if (!item.ok) expect(item.line.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 300 },
    );
  });

  it('a line over the cap is the one error, whatever the chunks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.string({ minLength: 65, maxLength: 300 }).filter((s) => !s.includes('\n')), fc.nat({ max: 300 }), (max, line, cut) => {
        const splitter = new LineSplitter(max);
        const c = Math.min(cut, line.length);
        const run = (): void => {
          splitter.push(line.slice(0, c));
          splitter.push(line.slice(c));
        };
        if (line.length > max) expect(run).toThrow(new RegExp(`longer than ${max} bytes`));
      }),
      { numRuns: 300 },
    );
  });
});

describe('LineSplitter work is linear in its input', () => {
  it('lines come out as a one-piece split gives them, and the characters processed stay within twice the input, however it is cut', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'é', '\n', '\r', 'x'), maxLength: 600 }), fc.array(fc.nat({ max: 600 }), { maxLength: 40 }), (text, cuts) => {
        const splitter = new LineSplitter();
        const at = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
        const lines: string[] = [];
        let from = 0;
        for (const c of [...at, text.length]) {
          if (c > from) lines.push(...splitter.push(text.slice(from, c)));
          from = Math.max(from, c);
        }
        lines.push(...splitter.flush());
        const parts = text.split('\n');
        const last = parts.pop() ?? '';
        const expected = [...parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)), ...(last.trim() === '' ? [] : [last])];
        expect(lines).toEqual(expected);
        expect(splitter.charsProcessed).toBeLessThanOrEqual(2 * text.length);
      }),
      { numRuns: 300 },
    );
  });

  it('a 1 MiB line in 16-byte chunks is processed once, not once per chunk', () => {
    const splitter = new LineSplitter();
    const chunk = 'y'.repeat(16);
    const pushes = (1024 * 1024) / chunk.length;
    for (let i = 0; i < pushes; i++) expect(splitter.push(chunk)).toEqual([]);
    expect(splitter.push('\n')).toEqual(['y'.repeat(1024 * 1024)]);
    // Rescanning the pending line on every chunk would be pushes²/2 × 16 ≈ 34 billion characters.
    expect(splitter.charsProcessed).toBeLessThanOrEqual(2 * (1024 * 1024 + 1));
  });
});

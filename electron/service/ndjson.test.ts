import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LineSplitter, readNdjson, type NdjsonItem } from './ndjson.js';


async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer | string> {
  for (const p of parts) {
    await Promise.resolve();
    yield p;
  }
}

async function all(source: AsyncIterable<Buffer | string>): Promise<NdjsonItem[]> {
  const out: NdjsonItem[] = [];
  for await (const item of readNdjson(source)) out.push(item);
  return out;
}

describe('LineSplitter', () => {
  it('reassembles lines and multi-byte characters split across chunks', () => {
    const s = new LineSplitter();
    const bytes = Buffer.from('{"a":"é"}\r\n{"b":2}\n{"c"');
    expect(s.push(bytes.subarray(0, 8))).toEqual([]); // cuts é in half
    expect(s.push(bytes.subarray(8))).toEqual(['{"a":"é"}', '{"b":2}']);
    expect(s.push(':3}')).toEqual([]);
    expect(s.flush()).toEqual(['{"c":3}']);
    expect(s.flush()).toEqual([]);
  });
  it('refuses an endless line instead of growing without bound', () => {
    const s = new LineSplitter(16);
    expect(() => s.push('x'.repeat(17))).toThrow(/longer than 16 bytes/);
  });
});

describe('readNdjson', () => {
  it('parses values, skips blank lines, reports bad lines', async () => {
    const items = await all(chunks('{"x":1}\n\n  \nnot json\n', '[1,2]'));
    expect(items).toEqual([
      { ok: true, value: { x: 1 } },
      { ok: false, line: 'not json', message: expect.any(String) as unknown },
      { ok: true, value: [1, 2] },
    ]);
  });

  it('streams from a real child process as lines are written', async () => {
    // The child writes its next line only after we acknowledge the last one: a reader that gave
    // lines only at the end of the stream would wait forever (ended by the kill timer, failing).
    const child = spawn(process.execPath, ['-e', 'let i=0; const next=()=>console.log(JSON.stringify({i:i++})); next(); process.stdin.on("data",()=>{ if(i<3) next(); else process.exit(0); })'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    child.stdin.on('error', () => undefined); // the child may be gone when the last ack is written
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const values: unknown[] = [];
    for await (const item of readNdjson(child.stdout)) {
      if (item.ok) values.push(item.value);
      child.stdin.write('ack\n');
    }
    clearTimeout(killer);
    expect(values).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });
});

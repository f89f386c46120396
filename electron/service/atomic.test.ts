import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonFile, SerialQueue, writeFileAtomic, writeJsonAtomic } from './atomic.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('a concurrent reader never sees a partial file', async () => {
    const file = path.join(dir, 'big.json');
    const big = (n: number): { n: number; pad: string } => ({ n, pad: 'x'.repeat(512 * 1024) });
    await writeJsonAtomic(file, big(0));
    // A separate process reads as fast as it can while we rewrite the file 30 times.
    const reader = spawn(process.execPath, [
      '-e',
      `const fs=require('fs');let bad=0,reads=0;const end=Date.now()+1500;while(Date.now()<end){try{JSON.parse(fs.readFileSync(${JSON.stringify(file)},'utf8'));reads++}catch(e){bad++}}console.log(JSON.stringify({bad,reads}))`,
    ]);
    let out = '';
    reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise((r) => reader.on('close', r));
    for (let i = 1; i <= 30; i++) await writeJsonAtomic(file, big(i));
    await closed;
    const { bad, reads } = JSON.parse(out) as { bad: number; reads: number };
    expect(reads).toBeGreaterThan(0);
    expect(bad).toBe(0);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { n: number }).n).toBe(30);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a failed write leaves the old content and no temp file', async () => {
    const sub = path.join(dir, 'fail');
    mkdirSync(sub);
    const file = path.join(sub, 'target.json');
    writeFileSync(file, '{"old":true}');
    // Renaming a file over a non-empty directory fails: make the target a directory.
    const blocked = path.join(sub, 'blocked');
    mkdirSync(path.join(blocked, 'inner'), { recursive: true });
    await expect(writeFileAtomic(blocked, 'new')).rejects.toThrow();
    expect(readdirSync(sub).sort()).toEqual(['blocked', 'target.json']);
    expect(readFileSync(file, 'utf8')).toBe('{"old":true}');
  });

  it('reads missing, ok and corrupt files as results', async () => {
    expect(await readJsonFile(path.join(dir, 'nope.json'))).toEqual({ state: 'missing' });
    writeFileSync(path.join(dir, 'c.json'), '{');
    expect((await readJsonFile(path.join(dir, 'c.json'))).state).toBe('corrupt');
  });

  it('SerialQueue runs read-modify-write tasks one at a time, even after a failure', async () => {
    const q = new SerialQueue();
    let counter = 0;
    const bump = (): Promise<number> =>
      q.run(async () => {
        const v = counter;
        await new Promise((r) => setTimeout(r, 2));
        counter = v + 1;
        return counter;
      });
    const failing = q.run(() => Promise.reject(new Error('x')));
    const results = await Promise.all([bump(), bump(), failing.catch(() => -1), bump()]);
    expect(results).toEqual([1, 2, -1, 3]);
  });
});

/** The one shell quoter (shared/shell.ts, tested here where node is available): every string survives a real sh and bash word for word; safe words stay readable. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { psList, psQuote, shJoin, shOperand, shQuote, shWriteLines } from '../../shared/shell.js';

const ascii = Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1)).join('');
const SAMPLES = ['', ' ', "'", "''", '"', '\\', '$HOME', '$(id)', '`id`', '!!', '~', '*', '-n', '--', 'a\nb', '=ls', '{a,b}', 'ünï 名前', ascii, ascii.split('').reverse().join('')];

describe('shQuote', () => {
  it.each(['dash', 'bash'])('every sample round-trips through %s', (shell) => {
    for (const s of SAMPLES) {
      const out = execFileSync(shell, ['-c', `printf '%s\\0' ${shQuote(s)}`]).toString();
      expect(out).toBe(`${s}\0`);
    }
    const joined = execFileSync(shell, ['-c', `printf '%s\\0' ${shJoin(SAMPLES)}`]).toString();
    expect(joined.split('\0').slice(0, -1)).toEqual(SAMPLES);
  });
  it('leaves safe words bare, quotes the rest, refuses NUL', () => {
    expect(shQuote('198.51.100.7')).toBe('198.51.100.7');
    expect(shQuote('2001:db8::7')).toBe('2001:db8::7');
    expect(shQuote('srlab-nosudo')).toBe('srlab-nosudo');
    expect(shQuote('=ls')).toBe("'=ls'");
    expect(shQuote('~root')).toBe("'~root'");
    expect(shQuote('')).toBe("''");
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });
  it('shOperand puts -- before a leading dash; shWriteLines writes lines verbatim', () => {
    expect(shOperand('-rf')).toBe('-- -rf');
    expect(shOperand('scan')).toBe('scan');
    const dir = mkdtempSync(path.join(tmpdir(), 'sr-shell-'));
    const file = path.join(dir, "it's here");
    execFileSync('dash', ['-c', shWriteLines(file, ['a\\nb', '%s $x', "'"])]);
    expect(readFileSync(file, 'utf8')).toBe("a\\nb\n%s $x\n'\n");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('psQuote', () => {
  it('doubles every PowerShell single-quote character, numbers stay bare in lists', () => {
    expect(psQuote("it's")).toBe("'it''s'");
    expect(psQuote('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(psQuote('$(Get-Date)')).toBe("'$(Get-Date)'");
    expect(psList([22, '203.0.113.7'])).toBe("22,'203.0.113.7'");
    expect(() => psQuote('\0')).toThrow(/NUL/);
  });
});

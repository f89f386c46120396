/**
 * Property tests for the target parser (fast-check): whatever a user types or a file holds, the
 * parser either plans targets or throws a TargetError — never another exception, never a hang —
 * and a plan's total equals what iterating it yields (checked on small plans).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, planTargets, readTargetsFile, TargetError } from './parse.js';

// Never the network: every name "resolves" to a lab address, or fails as a resolver does.
const resolve = (name: string): Promise<{ address: string; family: 4 | 6 }> =>
  name.length % 3 === 0 ? Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) : Promise.resolve({ address: `198.18.2.${(name.length % 254) + 1}`, family: 4 });

const octet = fc.integer({ min: 0, max: 255 });
const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(formatIPv6);
/** Entries that look like targets, near-misses and junk. */
const entry = fc.oneof(
  v4,
  v6,
  fc.tuple(v4, fc.integer({ min: 0, max: 40 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(v6, fc.integer({ min: 100, max: 130 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(v4, fc.integer({ min: 0, max: 300 })).map(([a, e]) => `${a}-${e}`),
  fc.tuple(v4, v4).map(([a, b]) => `${a}-${b}`),
  fc.domain(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '/', '-', '::', '1.2.3.4/', '0.0.0.0/0', '::/0', 'fe80::1%eth0', '1.2.3.4-', '\u001b[31m', '\u0000'),
);

async function planOrError(entries: string[], force: boolean): Promise<Awaited<ReturnType<typeof planTargets>> | TargetError> {
  try {
    return await planTargets(entries, { force, resolve });
  } catch (err) {
    if (err instanceof TargetError) return err;
    throw err; // any other exception fails the property
  }
}

describe('target parser properties', () => {
  it('plans or throws TargetError, for any list of entries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 8 }), fc.boolean(), async (entries, force) => {
        const r = await planOrError(entries, force);
        if (r instanceof TargetError) {
          expect(r.message.length).toBeLessThan(400);
          // eslint-disable-next-line no-control-regex
          expect(r.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
          return;
        }
        expect(r.total).toBeGreaterThan(0);
        expect(r.total).toBeLessThanOrEqual(1 << 24);
        // Bounded work: walk at most 2,000 addresses; small plans completely.
        const seen = new Set<string>();
        let n = 0;
        for (const t of r) {
          expect(seen.has(t.address)).toBe(false);
          seen.add(t.address);
          if (++n >= 2000) break;
        }
        if (r.total <= 2000) expect(n).toBe(r.total);
      }),
      { numRuns: 300 },
    );
  });

  it('yields exactly the union of the entries, each address once, in first-seen order', async () => {
    const small = fc.oneof(
      fc.integer({ min: 0, max: 40 }).map((n) => ({ text: formatIPv4(0xc6120200 + n), set: [0xc6120200 + n] })),
      fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 8 })).map(([a, len]) => ({
        text: `${formatIPv4(0xc6120200 + a)}-${formatIPv4(0xc6120200 + a + len)}`,
        set: Array.from({ length: len + 1 }, (_, i) => 0xc6120200 + a + i),
      })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(small, { minLength: 1, maxLength: 10 }), async (items) => {
        const plan = await planTargets(items.map((i) => i.text));
        const expected: string[] = [];
        const seen = new Set<number>();
        for (const i of items) {
          for (const n of i.set) {
            if (seen.has(n)) continue;
            seen.add(n);
            expected.push(formatIPv4(n));
          }
        }
        expect([...plan].map((t) => t.address)).toEqual(expected);
        expect(plan.total).toBe(expected.length);
      }),
      { numRuns: 300 },
    );
  });

  it('IPv4 and IPv6 formatting round-trips', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => parseIPv4(formatIPv4(n)) === n));
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (n) => parseIPv6(formatIPv6(n)) === n));
  });

  describe('targets files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), `sr-targets-prop-${process.pid}-`));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let k = 0;
    it('any file content: entries or TargetError, never another exception', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.array(entry, { maxLength: 10 }).map((e) => e.join('\n'))), async (content) => {
          const file = path.join(dir, `t${k++}.txt`);
          writeFileSync(file, content);
          try {
            const entries = await readTargetsFile(file);
            expect(entries.length).toBeGreaterThan(0);
            for (const e of entries) expect(e).not.toMatch(/[\s,#]/);
            await planOrError(entries, false);
          } catch (err) {
            if (!(err instanceof TargetError)) throw err;
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});

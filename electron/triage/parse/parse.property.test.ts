/**
 * Property tests (fast-check) for every triage input parser: whatever bytes a report holds, reading
 * it either gives hosts or throws the typed validation error (code 'bad-input') — never another
 * exception, never a hang (each run is bounded by the input size; vitest's timeout is the backstop).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostSink, readInput, TriageInputError } from './index.js';

async function readOrError(text: string | Uint8Array): Promise<'ok' | TriageInputError> {
  const chunks = function* (): Generator<Buffer, void, undefined> {
    const b = Buffer.from(text);
    // Split anywhere, as a file stream would.
    for (let i = 0; i < b.length; i += 7) yield b.subarray(i, i + 7);
  };
  try {
    await readInput(chunks(), new HostSink(1000), 'prop');
    return 'ok';
  } catch (err) {
    if (err instanceof TriageInputError) return err;
    if ((err as { code?: string }).code === 'bad-input') return err as TriageInputError;
    throw err;
  }
}

const octet = fc.integer({ min: 0, max: 300 });
const addr = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const junk = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('&', '<', '"', ',', '\n', ']]>', '&lt;', '&x;', '\u0000', '\u001b['));
const listText = fc.array(fc.oneof(addr, junk), { maxLength: 8 }).map((a) => a.join(','));

const nmapXml = fc
  .array(fc.tuple(fc.constantFrom('up', 'down', 'unknown', '', '&amp;'), fc.oneof(addr, junk), fc.constantFrom('ipv4', 'ipv6', 'mac', '')), { maxLength: 6 })
  .chain((hosts) =>
    fc.tuple(fc.constant(hosts), junk).map(
      ([hs, j]) =>
        `<?xml version="1.0"?><!DOCTYPE nmaprun><nmaprun>${hs
          .map(([st, a, t]) => `<host><status state="${st}" reason="no-response"/><address addr="${a}" addrtype="${t}"/></host>`)
          .join('')}${j}</nmaprun>`,
    ),
  );
const qualysXml = fc
  .array(fc.tuple(fc.constantFrom('dead', 'excluded', 'cancelled', ''), listText), { maxLength: 5 })
  .chain((s) =>
    fc.tuple(fc.constant(s), junk).map(
      ([sums, j]) =>
        `<SCAN_SUMMARY_OUTPUT><RESPONSE><SCAN_SUMMARY_LIST><SCAN_SUMMARY>${sums
          .map(([c, l]) => `<HOST_SUMMARY category="${c}" tracking="IP">${l}</HOST_SUMMARY>`)
          .join('')}</SCAN_SUMMARY>${j}</SCAN_SUMMARY_LIST></RESPONSE></SCAN_SUMMARY_OUTPUT>`,
    ),
  );
const qualysJson = fc
  .array(fc.tuple(fc.constantFrom('dead', 'excluded', ''), listText), { maxLength: 5 })
  .map((sums) => JSON.stringify({ SCAN_SUMMARY_OUTPUT: { RESPONSE: { SCAN_SUMMARY_LIST: { SCAN_SUMMARY: { HOST_SUMMARY: sums.map(([c, l]) => ({ category: c, '#text': l })) } } } } }));
const csvCell = fc.oneof(addr, junk, fc.constantFrom('host not alive', 'host scanned, found vuln', 'Hosts not alive', 'IP', 'DNS', 'IP Status'));
const qualysCsv = fc
  .array(fc.array(csvCell, { maxLength: 6 }), { maxLength: 8 })
  .map((rows) => ['"IP","DNS","IP Status"', ...rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))].join('\n'));
const looseCsv = fc.array(fc.array(csvCell, { maxLength: 6 }), { maxLength: 8 }).map((rows) => rows.map((r) => r.join(',')).join('\n'));
const plain = fc.array(fc.oneof(addr, junk, fc.constantFrom('# c', '198.18.1.0/30', '198.18.1.5-9')), { maxLength: 10 }).map((l) => l.join('\n'));

const RUNS = { numRuns: 300 };

describe('triage parsers: only the typed validation error', () => {
  it('Nmap XML', async () => {
    await fc.assert(fc.asyncProperty(nmapXml, async (t) => void expect(await readOrError(t)).toBeDefined()), RUNS);
  });
  it('Qualys scan summary XML', async () => {
    await fc.assert(fc.asyncProperty(qualysXml, async (t) => void expect(await readOrError(t)).toBeDefined()), RUNS);
  });
  it('Qualys scan summary JSON', async () => {
    await fc.assert(fc.asyncProperty(qualysJson, async (t) => void expect(await readOrError(t)).toBeDefined()), RUNS);
  });
  it('Qualys scan results CSV', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(qualysCsv, looseCsv), async (t) => void expect(await readOrError(t)).toBeDefined()), RUNS);
  });
  it('plain lists', async () => {
    await fc.assert(fc.asyncProperty(plain, async (t) => void expect(await readOrError(t)).toBeDefined()), RUNS);
  });
  it('any bytes at all', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (b) => void expect(await readOrError(b)).toBeDefined()), RUNS);
  });
  it('a well-formed dead list is read back exactly', async () => {
    const good = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `198.18.${a}.${b}`), { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(good, async (addrs) => {
        const xml = `<SCAN_SUMMARY_OUTPUT><HOST_SUMMARY category="dead">${addrs.join(',')}</HOST_SUMMARY></SCAN_SUMMARY_OUTPUT>`;
        const sink2 = new HostSink();
        await readInput([xml], sink2, 'x');
        expect([...sink2.hosts.keys()]).toEqual(addrs);
      }),
      { numRuns: 100 },
    );
  });
});

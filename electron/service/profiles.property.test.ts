/**
 * Property tests (fast-check) for discovery profiles from outside: the shared schema, the port-list
 * parser, an imported export file and the stored profiles.json. Only the typed validation error
 * may come out, never another exception, and every accepted profile is within the schema's limits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, parsePortList, profileSchema, profileWarnings, type DiscoveryProfile } from '../../shared/profiles.js';
import { ServiceError } from './errors.js';
import { ProfileStore } from './profiles.js';

const port = fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: -5, max: 70000 }), fc.double(), fc.constant(NaN));
/** Objects shaped like profiles, with wrong values mixed in. */
const profileLike = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 100 }), fc.integer(), fc.constant(null)),
    description: fc.oneof(fc.string({ maxLength: 600 }), fc.constant(undefined)),
    scanner: fc.oneof(fc.constantFrom('qualys', 'nmap', 'nessus', 'greenbone', 'custom'), fc.string({ maxLength: 10 })),
    tcpSyn: fc.oneof(fc.array(port, { maxLength: 30 }), fc.anything()),
    tcpAck: fc.array(fc.record({ sourcePort: port, port }), { maxLength: 4 }),
    tcpSynAck: fc.array(fc.record({ sourcePort: port, port }), { maxLength: 4 }),
    udp: fc.oneof(fc.array(port, { maxLength: 10 }), fc.anything()),
    icmpEcho: fc.oneof(fc.boolean(), fc.anything()),
    icmpTimestamp: fc.boolean(),
    timeoutMs: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.anything()),
    retries: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.anything()),
  },
  { requiredKeys: [] },
);
const outside = fc.oneof(profileLike, fc.anything(), fc.jsonValue());

function withinLimits(p: DiscoveryProfile): void {
  expect(p.name.length).toBeGreaterThan(0);
  expect(p.name.length).toBeLessThanOrEqual(80);
  for (const n of [...p.tcpSyn, ...p.udp, ...p.tcpAck.flatMap((a) => [a.port, a.sourcePort]), ...p.tcpSynAck.flatMap((a) => [a.port, a.sourcePort])]) {
    expect(Number.isInteger(n) && n >= 1 && n <= 65535).toBe(true);
  }
  expect(p.timeoutMs).toBeGreaterThanOrEqual(50);
  expect(p.retries).toBeGreaterThanOrEqual(0);
}

describe('profile properties', () => {
  it('the schema accepts only profiles within its limits, and never throws', () => {
    fc.assert(
      fc.property(outside, (value) => {
        const r = profileSchema.safeParse(value);
        if (r.success) {
          withinLimits(r.data);
          expect(() => profileWarnings(r.data)).not.toThrow();
        } else expect(r.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('parsePortList: unique ports 1-65535 or an Error naming the problem', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.tuple(fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 0, max: 70000 })).map(([a, b]) => `${a}-${b}`)), { maxLength: 6 }).map((a) => a.join(',')),
    );
    fc.assert(
      fc.property(text, (t) => {
        let ports: number[];
        try {
          ports = parsePortList(t, 'TCP port list');
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toMatch(/port|range|empty/);
          return;
        }
        expect(new Set(ports).size).toBe(ports.length);
        expect(ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('an imported file: valid profiles or a bad-input ServiceError, nothing else', () => {
    const file = fc.oneof(
      fc.string({ maxLength: 200 }),
      outside.map((v) => JSON.stringify(v) ?? 'undefined'),
      fc.array(outside, { maxLength: 4 }).map((a) => JSON.stringify(a)),
      fc.array(profileLike, { maxLength: 4 }).map((a) => JSON.stringify({ profiles: a })),
      fc.constant(JSON.stringify(BUILTIN_PROFILES)),
    );
    fc.assert(
      fc.property(file, (json) => {
        try {
          for (const p of ProfileStore.parseImport(json)) withinLimits(p);
        } catch (err) {
          expect(err).toBeInstanceOf(ServiceError);
          expect((err as ServiceError).code).toBe('bad-input');
        }
      }),
      { numRuns: 500 },
    );
  });

  describe('the stored profiles.json', () => {
    const dir = mkdtempSync(path.join(tmpdir(), `sr-profiles-prop-${process.pid}-`));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    it('any content loads as a list of valid custom profiles (a corrupt file is set aside), never an exception', async () => {
      const content = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.array(profileLike, { maxLength: 4 }).map((a) => JSON.stringify({ version: 1, profiles: a })),
      );
      await fc.assert(
        fc.asyncProperty(content, async (text) => {
          const userData = path.join(dir, `u${n++}`);
          const store = new ProfileStore(userData);
          mkdirSync(userData, { recursive: true });
          writeFileSync(store.file, text);
          const list = await store.custom();
          for (const p of list) withinLimits(p);
          expect((await store.list()).length).toBe(BUILTIN_PROFILES.length + list.length);
        }),
        { numRuns: 150 },
      );
    });
  });
});

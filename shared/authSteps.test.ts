import { describe, expect, it } from 'vitest';
import { changedHostKey, didNotRun, findStep, isSkipped, oneOf, stepData, type AuthStep } from './authSteps.js';

const steps: AuthStep[] = [
  { id: 'uid', ok: true, ms: 3, summary: 'effective UID 1001 (scan)', data: { uid: 1001, name: 'scan', id: 'uid=1001(scan)' } },
  { id: 'host-key', ok: false, ms: 1, reason: 'host-key-changed', summary: 'HOST KEY CHANGED', data: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'changed', knownFingerprint: 'SHA256:old' } },
  { id: 'tmp-exec', ok: null, ms: 0, reason: 'skipped', summary: 'Skipped: login failed', data: { skipped: true } },
  { id: 'history', ok: false, ms: 2, reason: 'step-error', summary: 'history could not run', data: { error: 'channel refused', code: 'channel-open-failed' } },
];

describe('the typed step contract', () => {
  it('findStep / stepData read a step by id, typed; skipped and broken steps have no evidence', () => {
    expect(findStep(steps, 'uid')?.summary).toContain('1001');
    expect(stepData(steps, 'uid')?.uid).toBe(1001);
    expect(stepData(steps, 'tmp-exec')).toBeUndefined();
    expect(stepData(steps, 'history')).toBeUndefined();
    expect(stepData(steps, 'auditd')).toBeUndefined();
    expect(steps.filter(didNotRun).map((s) => s.id)).toEqual(['tmp-exec', 'history']);
  });
  it('isSkipped: reason skipped, and results saved before reasons were given (data.skipped only)', () => {
    // A result read back from an older history file: untyped JSON, as the store reads it.
    const legacy = JSON.parse('{"id":"sessions","ok":null,"ms":0,"summary":"not run","data":{"skipped":true}}') as AuthStep;
    expect(steps.filter(isSkipped).map((s) => s.id)).toEqual(['tmp-exec']);
    expect(isSkipped(legacy)).toBe(true);
  });
  it('changedHostKey: the live hard stop is the host-key step with reason host-key-changed', () => {
    expect(changedHostKey(steps[1]!)).toEqual({ algorithm: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'changed', knownFingerprint: 'SHA256:old' });
    expect(changedHostKey(steps[0]!)).toBeNull();
    expect(changedHostKey({ id: 'host-key', ok: false, ms: 0, reason: 'host-key-unknown', summary: 'new key' })).toBeNull();
    expect(changedHostKey({ id: 'host-key', ok: false, ms: 0, reason: 'host-key-changed', summary: 'changed, no evidence' })).toMatchObject({ status: 'changed', fingerprint: 'unknown' });
  });
  it('oneOf turns an engine code into a reason, or undefined', () => {
    expect(oneOf(['a', 'b'] as const, 'b')).toBe('b');
    expect(oneOf(['a', 'b'] as const, 'c')).toBeUndefined();
  });
});

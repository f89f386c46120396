import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { frameBatcher } from './frameBatch.js';
import { runTracker } from './runTracker.js';
import { parseTargetsText } from './targets.js';

describe('runTracker', () => {
  it('replays events that arrived before start returned the run id, and ignores other runs', () => {
    const seen: string[] = [];
    const t = runTracker<string>((e) => seen.push(e));
    t.receive('r1', 'ignored: nothing is starting');
    t.beginStart();
    t.receive('r1', 'early-1');
    t.receive('other', 'other-run');
    t.receive('r1', 'early-2');
    expect(seen).toEqual([]);
    t.started('r1');
    expect(seen).toEqual(['early-1', 'early-2']);
    t.receive('r1', 'late');
    t.receive('other', 'still other');
    expect(seen).toEqual(['early-1', 'early-2', 'late']);
    t.reset();
    t.receive('r1', 'after reset');
    expect(seen).toHaveLength(3);
  });

  it('drops held events when the start fails', () => {
    const seen: string[] = [];
    const t = runTracker<string>((e) => seen.push(e));
    t.beginStart();
    t.receive('r1', 'x');
    t.startFailed();
    t.started('r1');
    expect(seen).toEqual([]);
  });
});

describe('frameBatcher', () => {
  // Time is the subject here: fake timers (and a fake performance.now), no real waiting.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands over many pushes as one batch', () => {
    const batches: number[][] = [];
    const b = frameBatcher<number>((items) => batches.push(items));
    for (let i = 0; i < 1000; i++) b.push(i);
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(16); // one frame (no requestAnimationFrame under Node: a 16 ms timeout)
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1000);
    b.push(1);
    b.flushNow();
    expect(batches).toHaveLength(2);
  });

  it('keeps at least minIntervalMs between flushes', () => {
    const at: number[] = [];
    const b = frameBatcher<number>(() => at.push(performance.now()), 60);
    const start = performance.now();
    for (let i = 0; i < 10; i++) {
      b.push(i);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(150);
    expect(at.length).toBeGreaterThanOrEqual(2);
    expect(at.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(60);
    expect(at[0]! - start).toBe(16);
  });
});

describe('parseTargetsText', () => {
  it('takes lines, commas and comments like a targets file', () => {
    expect(parseTargetsText('10.0.0.1, 10.0.0.2\n# a comment\n10.0.1.0/24 # trailing\n\n  host.example  ')).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.1.0/24',
      'host.example',
    ]);
    expect(parseTargetsText('  \n# only comments\n')).toEqual([]);
  });
});

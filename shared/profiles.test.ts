import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILE_NAMES, DEFAULT_PROFILE_NAME } from './profileData.js';
import { BUILTIN_PROFILES, profileSchema } from './profiles.js';

describe('built-in profiles', () => {
  it('one valid profile per name in profileData.ts, in the same order, the default among them', () => {
    expect(BUILTIN_PROFILES.map((p) => p.name)).toEqual([...BUILTIN_PROFILE_NAMES]);
    for (const p of BUILTIN_PROFILES) expect(profileSchema.parse(p)).toEqual(p);
    expect(BUILTIN_PROFILE_NAMES).toContain(DEFAULT_PROFILE_NAME);
  });
});

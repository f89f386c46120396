/** One default send rate for every face: the CLI's engine default and the service's settings agree. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_PPS as ENGINE_DEFAULT } from '../probes/index.js';
import { DEFAULT_RATE_PPS } from '../../shared/rate.js';
import { DEFAULT_SETTINGS } from '../../shared/requests.js';

describe('default send rate', () => {
  it('the service settings (app, web mode) and the engine (CLI) use the one constant', () => {
    expect(DEFAULT_SETTINGS.ratePps).toBe(DEFAULT_RATE_PPS);
    expect(ENGINE_DEFAULT).toBe(DEFAULT_RATE_PPS);
  });
});

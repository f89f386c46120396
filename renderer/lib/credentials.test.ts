import { describe, expect, it } from 'vitest';
import { credentialRequest, DEFAULT_CREDENTIAL_FIELDS } from './credentials.js';

const fields = { ...DEFAULT_CREDENTIAL_FIELDS, user: ' scan ' };

describe('credentialRequest', () => {
  it('builds a password request with the trimmed user and the delegation password', () => {
    const r = credentialRequest(fields, { password: 'pw', delegationPassword: 'root-pw', privateKey: 'ignored' });
    expect(r).toEqual({
      ok: true,
      value: { port: 22, user: 'scan', agent: false, delegation: 'sudo-su', sessions: 10, password: 'pw', delegationPassword: 'root-pw' },
    });
  });

  it('says in plain words what is missing', () => {
    expect(credentialRequest({ ...fields, user: '  ' }, { password: 'pw' })).toEqual({ ok: false, error: 'Give the scan account’s user name.' });
    expect(credentialRequest(fields, {})).toEqual({ ok: false, error: 'Type the scan account’s login password.' });
    expect(credentialRequest({ ...fields, kind: 'key' }, { password: 'pw' })).toEqual({ ok: false, error: 'Choose the private key file.' });
  });

  it('key: key and passphrase, no password; agent: no secret; custom delegation carries its command', () => {
    const key = credentialRequest({ ...fields, kind: 'key' }, { privateKey: 'KEY', passphrase: 'pp', password: 'x' });
    expect(key.ok && key.value).toMatchObject({ privateKey: 'KEY', passphrase: 'pp', agent: false });
    expect(key.ok && 'password' in key.value).toBe(false);
    const agent = credentialRequest({ ...fields, kind: 'agent', delegation: 'custom', delegationCommand: 'doit {cmd}' }, {});
    expect(agent).toEqual({
      ok: true,
      value: { port: 22, user: 'scan', agent: true, delegation: 'custom', delegationCommand: 'doit {cmd}', sessions: 10 },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { OPENSSH_KEY, PKCS8_ENC, RSA_KEY } from './fixtures/fakeKeys.js';
import { isSecretKey, MIN_LITERAL_SECRET, redact, redactArgv, redactString, REDACTED, REDACTED_KEY } from './redact.js';


describe('isSecretKey', () => {
  it.each(['password', 'Password', 'PASSWORD', 'passphrase', 'privateKey', 'private_key', 'PRIVATE-KEY', 'secret', 'clientSecret', 'token', 'accessToken', 'delegationPassword', 'DelegationPassword', 'apiKey', 'x-api-key', 'Authorization'])(
    '%s is secret',
    (k) => expect(isSecretKey(k)).toBe(true),
  );
  it.each(['user', 'host', 'port', 'privileged', 'delegation', 'fingerprint', 'publicKey', 'key', 'nopasswd', 'reason', 'advice'])('%s is not', (k) =>
    expect(isSecretKey(k)).toBe(false),
  );
});

describe('redact: objects', () => {
  it('replaces values of secret-named keys at any depth, in objects inside arrays, any case', () => {
    const input = {
      user: 'qualys',
      password: 'hunter2-login',
      auth: { Passphrase: 'key-pass-123', privateKey: OPENSSH_KEY, delegationPassword: 'root-pw-456' },
      list: [{ TOKEN: 'tok-789' }, [{ deep: { secret: { nested: 'still-secret' } } }]],
      numbers: { password: 12345678 },
    };
    const out = redact(input);
    expect(out).toEqual({
      user: 'qualys',
      password: REDACTED,
      auth: { Passphrase: REDACTED, privateKey: REDACTED, delegationPassword: REDACTED },
      list: [{ TOKEN: REDACTED }, [{ deep: { secret: REDACTED } }]],
      numbers: { password: REDACTED },
    });
    const text = JSON.stringify(out);
    for (const s of ['hunter2-login', 'key-pass-123', 'root-pw-456', 'tok-789', 'still-secret', '12345678', 'secretkeymaterial']) expect(text).not.toContain(s);
  });

  it('keeps booleans and null under secret-named keys (evidence, not secrets) and does not touch the input', () => {
    const input = { passwordSent: true, password: null, passphrase: undefined, token: false, data: { nopasswd: ['ALL'] } };
    const out = redact(input);
    expect(out).toEqual({ passwordSent: true, password: null, token: false, data: { nopasswd: ['ALL'] } });
    expect(input.data.nopasswd).toEqual(['ALL']);
    const original = { password: 'x-secret-x' };
    redact(original);
    expect(original.password).toBe('x-secret-x');
  });

  it('scrubs strings everywhere: PEM blocks, token= parameters, literal secrets', () => {
    const out = redact({
      steps: [{ summary: `key was ${OPENSSH_KEY} end`, data: { output: `GET /api?id=3&token=abc.def-ghi HTTP/1.1` } }],
      echoed: ['sudo said: pw is S3cret!pw'],
    }, { secrets: ['S3cret!pw'] });
    const text = JSON.stringify(out);
    expect(text).not.toContain('secretkeymaterial');
    expect(text).toContain(REDACTED_KEY);
    expect(text).toContain('key was ');
    expect(text).toContain(' end');
    expect(text).not.toContain('abc.def-ghi');
    expect(text).toContain(`id=3&token=${REDACTED}`);
    expect(text).not.toContain('S3cret!pw');
    expect(text).toContain(`pw is ${REDACTED}`);
  });

  it('handles cycles, Dates, functions without throwing', () => {
    const a: Record<string, unknown> = { name: 'a', when: new Date('2024-01-02T03:04:05Z'), fn: () => 1 };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', when: '2024-01-02T03:04:05.000Z', self: '[circular]' });
  });

  it('a shared (non-cyclic) object appears twice, redacted both times', () => {
    const shared = { password: 'pw-shared-1', host: 'h' };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { password: REDACTED, host: 'h' }, b: { password: REDACTED, host: 'h' } });
  });
});

describe('redactString', () => {
  it.each([
    ['OpenSSH', OPENSSH_KEY, 'secretkeymaterial'],
    ['RSA PEM with CRLF', RSA_KEY, 'rsaKeyBody123'],
    ['encrypted PKCS#8', PKCS8_ENC, 'pkcs8Body'],
  ])('replaces a %s private key block', (_name, key, body) => {
    const out = redactString(`before\n${key}\nafter`);
    expect(out).toBe(`before\n${REDACTED_KEY}\nafter`);
    expect(out).not.toContain(body);
  });

  it('two blocks in one string, text between them kept', () => {
    expect(redactString(`${OPENSSH_KEY} middle ${RSA_KEY}`)).toBe(`${REDACTED_KEY} middle ${REDACTED_KEY}`);
  });

  it('a truncated block (no END line) is removed to the end of the string', () => {
    const out = redactString(`head ${OPENSSH_KEY.split('\n').slice(0, 2).join('\n')}`);
    expect(out).toBe(`head ${REDACTED_KEY}`);
  });

  it('a key block JSON-escaped inside a string (literal \\n) is still removed', () => {
    const out = redactString(JSON.stringify({ k: OPENSSH_KEY }));
    expect(out).not.toContain('secretkeymaterial');
    expect(out).toContain(REDACTED_KEY);
  });

  it('leaves public keys and certificates alone', () => {
    const pub = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----';
    expect(redactString(pub)).toBe(pub);
    expect(redactString('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@h')).toBe('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@h');
  });

  it('removes PuTTY private keys', () => {
    const ppk = 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAAIputtyPrivateBody\nPrivate-MAC: 0123abcd';
    expect(redactString(`x ${ppk} y`)).toBe(`x ${REDACTED_KEY} y`);
  });

  it.each([
    ['https://web.example/?token=abcdef123', `https://web.example/?token=${REDACTED}`],
    ['http://127.0.0.1:8642/#/?x=1&token=Zm9v.YmFy_baz&y=2', `http://127.0.0.1:8642/#/?x=1&token=${REDACTED}&y=2`],
    ['url=https://h/a?access_token=t0k3n#frag', `url=https://h/a?access_token=${REDACTED}#frag`],
    ['TOKEN=zzz; other=1', `TOKEN=${REDACTED}; other=1`],
    ['password=hunter2 user=bob', `password=${REDACTED} user=bob`],
    ['api_key=k1&client_secret=s2', `api_key=${REDACTED}&client_secret=${REDACTED}`],
    ['"http://h/?token=abc"', `"http://h/?token=${REDACTED}"`],
    ['ssh://qualys:pa55w0rd@10.0.0.1:22/', `ssh://qualys:${REDACTED}@10.0.0.1:22/`],
    ['Authorization: Bearer eyJhbGciOi.J9.sig', `Authorization: Bearer ${REDACTED}`],
    ['Authorization: Basic cXVhbHlzOnB3', `Authorization: Basic ${REDACTED}`],
  ])('%s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    for (const s of [
      'alive: RST to TCP ACK 80→2869; SYN probes dropped — a stateless SYN filter',
      'qualys ALL=(ALL) NOPASSWD: ALL',
      'Defaults requiretty',
      'tokens are not parameters',
      'Basic authentication failed',
      'design=1&port=22',
      'https://example.com/path?a=1&b=2',
    ]) expect(redactString(s)).toBe(s);
  });

  it('literal secrets: every occurrence, longest first, short ones ignored', () => {
    expect(redactString('a hunter22 b hunter22', { secrets: ['hunter22'] })).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(redactString('x pass-long-1 y', { secrets: ['pass', 'pass-long-1'] })).toBe(`x ${REDACTED} y`);
    expect(redactString('abc', { secrets: ['abc'] })).toBe('abc'); // shorter than MIN_LITERAL_SECRET
    expect(MIN_LITERAL_SECRET).toBe(4);
    expect(redactString('a.*b a.*b', { secrets: ['a.*b'] })).toBe(`${REDACTED} ${REDACTED}`); // no regex meaning
    expect(redactString('x', { secrets: [undefined, null, ''] })).toBe('x');
  });

  it('a multi-line literal secret (a key) is removed line by line too', () => {
    const key = 'line-one-of-the-key-AAAAAAAA\nline-two-of-the-key-BBBBBBBB';
    expect(redactString('echo: line-two-of-the-key-BBBBBBBB', { secrets: [key] })).toBe(`echo: ${REDACTED}`);
  });

  it('is idempotent', () => {
    const once = redactString(`token=abc ${OPENSSH_KEY} https://u:p4ss@h/`);
    expect(redactString(once)).toBe(once);
  });
});

describe('redactArgv', () => {
  it('redacts values of secret-bearing options, both forms; keeps env-var names and paths', () => {
    expect(
      redactArgv([
        'diagnose', '10.0.0.1',
        '--password', 'pw1', '--passphrase=pp2', '--token', 'tk3', '--api-key=ak4', '--delegation-password', 'dp5',
        '--password-env', 'SCAN_PW', '--key', '/home/u/.ssh/id', '--user', 'qualys',
      ]),
    ).toEqual([
      'diagnose', '10.0.0.1',
      '--password', REDACTED, '--passphrase=' + REDACTED, '--token', REDACTED, '--api-key=' + REDACTED, '--delegation-password', REDACTED,
      '--password-env', 'SCAN_PW', '--key', '/home/u/.ssh/id', '--user', 'qualys',
    ]);
  });

  it('a secret option at the end or followed by another option consumes nothing else', () => {
    expect(redactArgv(['--token'])).toEqual(['--token']);
    expect(redactArgv(['--token', '--json'])).toEqual(['--token', '--json']);
  });

  it('scrubs URLs, key blocks and literal secrets inside other arguments', () => {
    const out = redactArgv(['serve', 'http://h/?token=abc', OPENSSH_KEY, 'ends-with-s3cr3tvalue'], { secrets: ['s3cr3tvalue'] });
    expect(out).toEqual(['serve', `http://h/?token=${REDACTED}`, REDACTED_KEY, `ends-with-${REDACTED}`]);
  });
});

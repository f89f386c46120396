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
    expect(redactString('xabcx abcd', { secrets: ['abc'] })).toBe('xabcx abcd'); // shorter than MIN_LITERAL_SECRET: only in context
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

describe('issue 16.6: key names', () => {
  it.each([
    'passwd', 'PASSWD', 'pwd', 'db_pwd', 'pass', 'PASS', 'user-pass', 'userPass', 'credential', 'credentials', 'awsCredentials', 'CREDENTIALS',
    'cookie', 'Set-Cookie', 'sessionCookie', 'privKey', 'priv_key', 'PRIV-KEY', 'psk', 'wifiPSK', 'wpa_psk', 'PSKValue', 'ssh_private_key',
    'secretKey', 'access-key', 'delegationCommand', 'userpassword', 'keyPassphrase',
  ])('%s is secret', (k) => expect(isSecretKey(k)).toBe(true));
  it.each(['passed', 'Passed', 'bypass', 'compass', 'passport', 'hostKey', 'host_key', 'hostKeyFingerprint', 'knownFingerprint', 'serverHostKey', 'publicKey', 'keyProblem', 'keyFormat', 'nopass', 'NOPASSWD', 'grant-nopasswd', 'nopasswdRules', 'PasswordAuthentication', 'command', 'sessions', 'passwordSent'].filter((k) => k !== 'passwordSent'))(
    '%s is not (evidence)',
    (k) => expect(isSecretKey(k)).toBe(false),
  );
  it('host-key fingerprints stay; `passed` stays; nopasswd rule lists stay', () => {
    const v = { hostKey: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abc' }, passed: 3, data: { nopasswd: ['ALL'], nopass: ['/bin/ls'] }, passwordSent: true };
    expect(redact(v)).toEqual(v);
  });
});

describe('issue 16.6: free text', () => {
  it.each([
    ['password: hunter2', `password: ${REDACTED}`],
    ['Password = hunter2 next', `Password = ${REDACTED} next`],
    ['db.passwd=x1 user=bob', `db.passwd=${REDACTED} user=bob`],
    ['PWD: abc', `PWD: ${REDACTED}`],
    ['pass=q', `pass=${REDACTED}`],
    ['wifi_psk="s p a c e"', `wifi_psk="${REDACTED}"`],
    ["credentials: 'single quoted'", `credentials: '${REDACTED}'`],
    ['privKey=AAAAB3', `privKey=${REDACTED}`],
    ['got {"user":"u","password":"p@ss w"} back', `got {"user":"u","password":"${REDACTED}"} back`],
    ['{\\"passphrase\\":\\"pp\\"}', `{\\"passphrase\\":\\"${REDACTED}\\"}`],
    ['"pin": 1, "pwd": 1234', `"pin": 1, "pwd": ${REDACTED}`],
    ['Cookie: a=b; c=d', `Cookie: ${REDACTED}`],
    ['set-cookie: sid=xyz; Path=/', `set-cookie: ${REDACTED}`],
    ['PasswordAuthentication=no', 'PasswordAuthentication=no'],
    ['password: [REDACTED]', 'password: [REDACTED]'],
  ])('%s', (input, expected) => expect(redactString(input)).toBe(expected));

  it('a string that is a whole JSON document is redacted by structure (arrays under secret keys too)', () => {
    const out = redactString(JSON.stringify({ tokens: ['t-one', 't-two'], host: 'h' }));
    expect(JSON.parse(out)).toEqual({ tokens: REDACTED, host: 'h' });
  });

  it.each([
    ['lowercase PEM', '-----begin rsa private key-----\nMIIEbody\n-----end rsa private key-----'],
    ['odd dashes and spaces', '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nbody==\n---- END SSH2 ENCRYPTED PRIVATE KEY ----'],
    ['mixed case OpenSSH', '-----Begin OpenSSH Private Key-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----End OpenSSH Private Key-----'],
    ['armourless OpenSSH body', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5'],
  ])('%s', (_n, key) => {
    const out = redactString(`x\n${key}\ny`);
    expect(out).toBe(`x\n${REDACTED_KEY}\ny`);
  });
});

describe('issue 16.6: known secrets in every encoding, of any length', () => {
  const enc = (s: string): string[] => [
    s,
    [...s].reverse().join(''),
    Buffer.from(s).toString('base64'),
    Buffer.from(s).toString('base64url'),
    Buffer.from(s).toString('hex'),
    Buffer.from(s).toString('hex').toUpperCase(),
    encodeURIComponent(s),
  ];

  it('long secret: every form anywhere, also inside a longer base64 text (Basic user:pw)', () => {
    const pw = 'Tr0ub4dor&3 x/y';
    for (const form of enc(pw)) {
      const out = redactString(`banner ${form} end`, { secrets: [pw] });
      expect(out, form).toBe(`banner ${REDACTED} end`);
    }
    for (const prefix of ['u:', 'us:', 'use:']) {
      const b = Buffer.from(`${prefix}${pw}!`).toString('base64');
      expect(redactString(b, { secrets: [pw] })).not.toContain(Buffer.from(pw).toString('base64').slice(4, 12));
      expect(redactString(b, { secrets: [pw] })).toContain(REDACTED);
    }
  });

  it('short secrets (1–3 chars): removed as an echo, after a secret word, or as a long encoded token — not everywhere', () => {
    for (const pw of ['7', 'q7', 'a!b']) {
      for (const form of enc(pw)) {
        expect(redactString(form, { secrets: [pw] }), `${pw} echo ${form}`).toBe(REDACTED);
        expect(redactString(`line one\n  ${form}  \nline three`, { secrets: [pw] })).toBe(`line one\n  ${REDACTED}  \nline three`);
        expect(redactString(`your password is ${form} ok`, { secrets: [pw] })).toBe(`your password is ${REDACTED} ok`);
      }
      const b64 = Buffer.from(pw).toString('base64');
      expect(redactString(`got ${b64} from host`, { secrets: [pw] })).toBe(`got ${REDACTED} from host`);
    }
    // ... but ordinary text keeps its digits and words
    expect(redactString('uid=0(root) exit 7 q7x', { secrets: ['7', 'q7'] })).toBe('uid=0(root) exit 7 q7x');
    expect(redactString('uid=0(root) gid=0(root)', { secrets: ['0'] })).toBe('uid=0(root) gid=0(root)');
  });

  it('a custom delegation template is removed, and its long parts where it ran', () => {
    const t = "echo 'Sup3r' | sudo -S -p '' {cmd}";
    const opts = { templates: [t] };
    expect(redactString(`custom (${t})`, opts)).toBe(`custom (${REDACTED})`);
    expect(redactString(`ran: echo 'Sup3r' | sudo -S -p '' 'sh -c id'`, opts)).toBe(`ran: ${REDACTED} 'sh -c id'`);
    expect(redactString('sudo rules allow ALL', { templates: ['sudo {cmd}'] })).toBe('sudo rules allow ALL');
    expect(redact({ delegationCommand: t, summary: `custom (${t})` }, opts)).toEqual({ delegationCommand: REDACTED, summary: `custom (${REDACTED})` });
  });
});

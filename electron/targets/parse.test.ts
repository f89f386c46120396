import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIPv6, isLinkLocalV6, parseIPv6, parseTargets, planTargets, readTargetsFile, TargetError } from './parse.js';

const addrs = async (...entries: string[]): Promise<string[]> => (await parseTargets(entries)).map((t) => t.address);

describe('parseTargets', () => {
  it('accepts single IPv4 and IPv6 addresses, normalising IPv6', async () => {
    expect(await addrs('198.18.1.10')).toEqual(['198.18.1.10']);
    expect(await addrs('2001:DB8:5352:1:0:0:0:10')).toEqual(['2001:db8:5352:1::10']);
    const [t] = await parseTargets(['::1']);
    expect(t).toEqual({ target: '::1', address: '::1', family: 6 });
  });

  it('expands CIDR without network and broadcast addresses', async () => {
    const a = await addrs('198.18.2.0/29');
    expect(a).toEqual(['198.18.2.1', '198.18.2.2', '198.18.2.3', '198.18.2.4', '198.18.2.5', '198.18.2.6']);
    expect(await addrs('198.18.2.7/32')).toEqual(['198.18.2.7']);
    expect(await addrs('198.18.2.6/31')).toEqual(['198.18.2.6', '198.18.2.7']);
    expect((await addrs('198.18.2.0/24')).length).toBe(254);
  });

  it('expands short and long ranges', async () => {
    expect(await addrs('10.0.0.5-8')).toEqual(['10.0.0.5', '10.0.0.6', '10.0.0.7', '10.0.0.8']);
    expect(await addrs('10.0.0.254-10.0.1.1')).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
  });

  it('expands IPv6 prefixes', async () => {
    expect(await addrs('2001:db8::/126')).toEqual(['2001:db8::', '2001:db8::1', '2001:db8::2', '2001:db8::3']);
  });

  it('deduplicates while keeping order', async () => {
    expect(await addrs('198.18.1.11', '198.18.1.10', '198.18.1.11')).toEqual(['198.18.1.11', '198.18.1.10']);
  });

  it.each([
    ['999.1.1.1', /bad IPv4 address "999\.1\.1\.1"/],
    ['10.0.0.0/33', /IPv4 prefix is 0-32/],
    ['10.0.0.1/abc', /prefix length must be a number/],
    ['::1/129', /IPv6 prefix is 0-128/],
    ['10.0.0.9-3', /end is before the start/],
    ['10.0.0.1-300', /last octet must be 0-255/],
    ['10.0.0.1-10.0.0.999', /not a valid IPv4 address/],
    ['01.2.3.4', /bad IPv4 address/],
    ['1.2.3', /bad IPv4 address/],
    ['fe80:::1', /bad IPv6 address/],
    ['bad_name!', /not an IP address, CIDR, range or host name/],
    ['a b', /contains spaces/],
    ['', /empty target/],
  ])('rejects %j with a clear message', async (entry, message) => {
    await expect(parseTargets([entry])).rejects.toThrow(message);
    await expect(parseTargets([entry])).rejects.toBeInstanceOf(TargetError);
  });

  it('validates every entry before resolving any name', async () => {
    const resolved: string[] = [];
    const resolve = (name: string): Promise<{ address: string; family: 4 }> => {
      resolved.push(name);
      return Promise.resolve({ address: '127.0.0.1', family: 4 });
    };
    await expect(parseTargets(['example.test', '999.0.0.1'], { resolve })).rejects.toThrow(/999/);
    expect(resolved).toEqual([]);
  });

  it('refuses more than a /16 unless forced, and always refuses absurd sizes', async () => {
    await expect(parseTargets(['10.0.0.0/15'])).rejects.toThrow(/larger than a \/16.*--force/);
    expect((await parseTargets(['10.0.0.0/16'])).length).toBe(65_534);
    expect((await parseTargets(['10.0.0.0/15'], { force: true })).length).toBe(131_070);
    await expect(parseTargets(['2001:db8::/64'], { force: true })).rejects.toThrow(/more than ScanReady sweeps/);
  });

  it('resolves host names and shows the resolved address', async () => {
    const [t] = await parseTargets(['localhost']);
    expect(t?.hostname).toBe('localhost');
    expect(['127.0.0.1', '::1']).toContain(t?.address);
  });

  it('reports a name that does not resolve as a clear error', async () => {
    await expect(parseTargets(['no-such-host.invalid'])).rejects.toThrow(/cannot resolve host name "no-such-host\.invalid"/);
  });

  it('refuses an empty target list', async () => {
    await expect(parseTargets([])).rejects.toThrow(/no targets/);
  });
});

describe('planTargets: validated and resolved at once, expanded lazily', () => {
  it('a forced /8 is planned without expanding: exact total, first hosts at once', async () => {
    const plan = await planTargets(['198.0.0.0/8'], { force: true });
    expect(plan.total).toBe(16_777_214);
    const first: string[] = [];
    for (const t of plan) {
      first.push(t.address);
      if (first.length === 3) break;
    }
    expect(first).toEqual(['198.0.0.1', '198.0.0.2', '198.0.0.3']);
  });

  it('drops duplicates across overlapping entries, the first entry owning an address', async () => {
    const resolve = (name: string): Promise<{ address: string; family: 4 }> => Promise.resolve({ address: name === 'a.test' ? '198.18.2.3' : '198.18.2.9', family: 4 });
    const plan = await planTargets(['a.test', '198.18.2.1-5', '198.18.2.4', '198.18.2.0/29', 'b.test', '198.18.2.2'], { resolve });
    const got = [...plan];
    expect(got.map((t) => t.address)).toEqual(['198.18.2.3', '198.18.2.1', '198.18.2.2', '198.18.2.4', '198.18.2.5', '198.18.2.6', '198.18.2.9']);
    expect(got[0]).toEqual({ target: 'a.test', address: '198.18.2.3', family: 4, hostname: 'a.test' });
    expect(got[1]).toEqual({ target: '198.18.2.1', address: '198.18.2.1', family: 4 });
    expect(got.at(-1)).toMatchObject({ target: 'b.test', hostname: 'b.test' });
    expect(plan.total).toBe(got.length);
  });

  it('can be iterated again from the start', async () => {
    const plan = await planTargets(['198.18.2.1-3', '2001:db8::/127']);
    expect([...plan]).toEqual([...plan]);
    expect([...plan].map((t) => t.address)).toEqual(['198.18.2.1', '198.18.2.2', '198.18.2.3', '2001:db8::', '2001:db8::1']);
  });

  it('shows a bad entry with its control characters made visible', async () => {
    await expect(planTargets(['\u001b]0;owned\u0007\u001b[31m'])).rejects.toThrow('bad target "\\x1b]0;owned\\x07\\x1b[31m"');
  });
});

describe('IPv6 helpers', () => {
  it('round-trips', () => {
    for (const a of ['::', '::1', '2001:db8:5352:1::10', 'fe80::1:2:3:4', '1:2:3:4:5:6:7:8', '::ffff:c612:10a']) {
      const n = parseIPv6(a);
      expect(n).not.toBeNull();
      expect(formatIPv6(n ?? 0n)).toBe(a);
    }
    expect(formatIPv6(parseIPv6('::ffff:198.18.1.10') ?? 0n)).toBe('::ffff:c612:10a');
  });
});

describe('readTargetsFile', () => {
  it('reads one entry per line with # comments', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'scanready-targets-'));
    const file = path.join(dir, 'targets.txt');
    await writeFile(file, '# lab hosts\n198.18.1.10\n\n198.18.1.11  # silent\n198.18.2.1-3, 198.18.1.12\n');
    expect(await readTargetsFile(file)).toEqual(['198.18.1.10', '198.18.1.11', '198.18.2.1-3', '198.18.1.12']);
  });

  it('refuses a special file at once, naming it', async () => {
    await expect(readTargetsFile('/dev/zero')).rejects.toThrow('cannot read targets file "/dev/zero": it is a character device, not a regular file');
    await expect(readTargetsFile('/dev/zero')).rejects.toBeInstanceOf(TargetError);
  });

  it('refuses an empty file and a missing file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'scanready-targets-'));
    const file = path.join(dir, 'empty.txt');
    await writeFile(file, '# nothing here\n\n');
    await expect(readTargetsFile(file)).rejects.toThrow(/has no targets/);
    await expect(readTargetsFile(path.join(dir, 'missing.txt'))).rejects.toThrow(/cannot read targets file.*ENOENT/);
  });
});

describe('IPv6 zones (scoped addresses): parsed only, never sent', () => {
  it('a link-local address with a zone is refused with the reason, also as a CIDR base; the zone is never dropped silently', async () => {
    for (const t of ['fe80::1%eth0', 'FE80::1%srlab0', 'febf::1%2', 'fe80::%eth0/64']) {
      await expect(planTargets([t])).rejects.toThrow(/^link-local IPv6 address ".*": ScanReady does not send to link-local addresses \(fe80::\/10\), with a zone \("%.+"\) or without/);
    }
  });
  it('a zone on any other address is refused: it belongs only to link-local addresses', async () => {
    await expect(planTargets(['2001:db8::1%eth0'])).rejects.toThrow('bad IPv6 address "2001:db8::1%eth0": a zone ("%eth0") only belongs to a link-local address');
  });
  it('an unscoped link-local address is planned as given (the engine refuses it before sending: ELINKLOCALSCOPE)', async () => {
    expect([...(await planTargets(['fe80::1']))]).toEqual([{ target: 'fe80::1', address: 'fe80::1', family: 6 }]);
  });
  it('two zones of one address are not folded into one host: both are refused', async () => {
    await expect(planTargets(['fe80::1%eth0', 'fe80::1%eth1'])).rejects.toThrow(/link-local IPv6 address "fe80::1%eth0"/);
  });
  it('parseIPv6 and isLinkLocalV6: no zone accepted, fe80::/10 exactly', () => {
    expect(parseIPv6('fe80::1%eth0')).toBeNull();
    expect(isLinkLocalV6(parseIPv6('fe80::1') ?? 0n)).toBe(true);
    expect(isLinkLocalV6(parseIPv6('febf:ffff::1') ?? 0n)).toBe(true);
    expect(isLinkLocalV6(parseIPv6('fec0::1') ?? 0n)).toBe(false);
    expect(isLinkLocalV6(parseIPv6('fe7f::1') ?? 0n)).toBe(false);
  });
});

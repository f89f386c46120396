/**
 * The triage input parsers on the fixtures (electron/triage/fixtures, written from the vendors'
 * public formats), on hostile inputs (XML bomb, 10 million lines, special files) and on the bad
 * input a user gives by mistake: one TriageInputError (or UserFileError) line each.
 */
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, readTriageInputs } from './index.js';

const FIX = path.join(import.meta.dirname, '..', 'fixtures');
const tmp = mkdtempSync(path.join(tmpdir(), 'srtriage-parse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

async function badInput(files: string[]): Promise<string> {
  try {
    await readTriageInputs(files);
  } catch (err) {
    expect((err as { code?: string }).code).toBe('bad-input');
    expect((err as Error).message).not.toMatch(/\n/);
    return (err as Error).message;
  }
  throw new Error('expected bad input');
}

describe('formats', () => {
  it('Qualys scan summary XML: dead hosts probed, other categories listed', async () => {
    const r = await readTriageInputs([path.join(FIX, 'qualys-scan-summary.xml')]);
    expect(r.inputs[0]?.format).toBe('qualys-summary-xml');
    expect(r.hosts.filter((h) => h.notAlive).map((h) => h.entry)).toEqual(['198.18.1.11', '198.18.1.13-198.18.1.16', '198.18.1.17-198.18.1.19']);
    expect(r.inputs[0]?.categories).toEqual({ dead: 8, excluded: 1, cancelled: 2 });
    expect(r.hosts.find((h) => h.entry === '198.18.1.30')).toMatchObject({ category: 'excluded', notAlive: false });
  });

  it('Qualys scan summary JSON gives the same dead hosts as the XML', async () => {
    const r = await readTriageInputs([path.join(FIX, 'qualys-scan-summary.json')]);
    expect(r.inputs[0]?.format).toBe('qualys-summary-json');
    expect(r.hosts.filter((h) => h.notAlive).map((h) => h.entry)).toEqual(['198.18.1.11', '198.18.1.13-198.18.1.16', '198.18.1.17-198.18.1.19']);
    expect(r.inputs[0]?.categories).toEqual({ dead: 8, excluded: 1 });
  });

  it('Qualys scan results CSV: the "Hosts not alive" header list and the rows whose IP Status says not alive', async () => {
    const r = await readTriageInputs([path.join(FIX, 'qualys-scan-results.csv')]);
    expect(r.inputs[0]?.format).toBe('qualys-csv');
    expect(r.hosts.filter((h) => h.notAlive).map((h) => h.entry)).toEqual(['198.18.1.11', '198.18.1.13-198.18.1.15', '198.18.1.16', '198.18.1.17']);
    expect(r.hosts.filter((h) => !h.notAlive).map((h) => h.entry)).toEqual(['198.18.1.10', '198.18.1.20']);
  });

  it('Qualys CSV with the "Hosts not alive" list as a column of the summary rows', async () => {
    const f = file('summary-col.csv', '"Scan Results","x"\n"Active Hosts","Hosts not alive","Total Hosts"\n"1","198.18.1.11, 198.18.1.12","3"\n');
    const r = await readTriageInputs([f]);
    expect(r.hosts.map((h) => h.entry)).toEqual(['198.18.1.11', '198.18.1.12']);
  });

  it('Nmap XML: hosts down with their reason; hosthint ignored; up hosts listed', async () => {
    const r = await readTriageInputs([path.join(FIX, 'nmap-sn.xml')]);
    expect(r.inputs[0]?.format).toBe('nmap-xml');
    const down = r.hosts.filter((h) => h.notAlive);
    expect(down.map((h) => [h.entry, h.reason])).toEqual([
      ['198.18.1.11', 'no-response'],
      ['198.18.1.14', 'no-response'],
      ['198.18.1.16', 'host-prohibited'],
      ['198.18.1.19', 'no-response'],
    ]);
    expect(r.hosts.find((h) => h.entry === '198.18.1.99')).toBeUndefined();
    expect(r.hosts.find((h) => h.entry === '198.18.1.10')).toMatchObject({ category: 'up', notAlive: false });
  });

  it('a plain list, with comments, ranges, CIDR and commas, through the one target parser', async () => {
    const r = await readTriageInputs([path.join(FIX, 'plain-list.txt')]);
    expect(r.inputs[0]?.format).toBe('plain');
    expect(r.hosts.map((h) => h.entry)).toEqual(['198.18.1.11', '198.18.1.13-15', '198.18.1.16', '198.18.1.17', '198.18.2.0/30']);
  });

  it('several inputs: duplicates dropped, first wins', async () => {
    const r = await readTriageInputs([path.join(FIX, 'nmap-sn.xml'), path.join(FIX, 'plain-list.txt')]);
    expect(r.hosts.filter((h) => h.entry === '198.18.1.11')).toHaveLength(1);
    expect(r.hosts.find((h) => h.entry === '198.18.1.11')?.format).toBe('nmap-xml');
  });

  it('pasted text is read like a file', async () => {
    const r = await readTriageInputs([], [{ name: 'pasted', text: '198.18.1.11\n198.18.1.12\n' }]);
    expect(r.hosts.map((h) => h.entry)).toEqual(['198.18.1.11', '198.18.1.12']);
  });

  it('detectFormat', () => {
    expect(detectFormat('10.0.0.1, 10.0.0.2')).toBe('plain');
    expect(detectFormat('"IP","DNS"')).toBe('qualys-csv');
    expect(detectFormat('IP,DNS,Status')).toBe('qualys-csv');
    expect(detectFormat('  {"a":1}')).toBe('qualys-summary-json');
    expect(detectFormat('\uFEFF<?xml version="1.0"?>')).toBe('xml');
  });
});

describe('bad input: one line, code bad-input', () => {
  it('unknown format names the formats', async () => {
    expect(await badInput([file("u.txt", "hello; world\n")])).toMatch(/unknown format; triage reads Qualys scan summary \(XML\).*Nmap XML/);
  });
  it('XML that is not one of the formats', async () => {
    expect(await badInput([file('x.xml', '<?xml version="1.0"?><html><body/></html>')])).toMatch(/root element is <html> is not one of the formats/);
  });
  it('an XML bomb (entity expansion) is refused before anything expands', async () => {
    const bomb =
      '<?xml version="1.0"?>\n<!DOCTYPE nmaprun [\n<!ENTITY a "aaaaaaaaaa">\n' +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('\n') +
      '\n]>\n<nmaprun><host><status state="down" reason="&j;"/><address addr="198.18.1.11" addrtype="ipv4"/></host></nmaprun>\n';
    expect(await badInput([file('bomb.xml', bomb)])).toMatch(/declares its own entities/);
  });
  it('an undeclared entity is an error, not an expansion', async () => {
    expect(await badInput([file('ent.xml', '<nmaprun><host><status state="down" reason="&x;"/></host></nmaprun>')])).toMatch(/not well-formed XML/);
  });
  it('JSON that is not a scan summary', async () => {
    expect(await badInput([file('j.json', '{"hosts":["198.18.1.11"]}')])).toMatch(/not a Qualys scan summary/);
  });
  it('a scan CSV without an IP column', async () => {
    expect(await badInput([file('noip.csv', '"Name","Value"\n"a","b"\n')])).toMatch(/without an IP column/);
  });
  it('a bad address in a report names the file and line', async () => {
    expect(await badInput([file('bad.xml', '<SCAN_SUMMARY_OUTPUT><RESPONSE><SCAN_SUMMARY_LIST><SCAN_SUMMARY>\n<HOST_SUMMARY category="dead">198.18.1.300</HOST_SUMMARY></SCAN_SUMMARY></SCAN_SUMMARY_LIST></RESPONSE></SCAN_SUMMARY_OUTPUT>')])).toMatch(/bad\.xml" line 2: bad IPv4 address "198\.18\.1\.300"/);
  });
  it('a special file is refused by the safe reader', async () => {
    expect(await badInput(['/dev/zero'])).toMatch(/character device, not a regular file/);
  });
  it('a file of 10 million lines is refused at the line cap, read as a stream', async () => {
    const p = path.join(tmp, 'ten-million.txt');
    const out = createWriteStream(p);
    const block = '#\n'.repeat(100_000);
    for (let i = 0; i < 100; i++) if (!out.write(block)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    const before = process.memoryUsage().rss;
    expect(await badInput([p])).toMatch(/more than 5000000 lines/);
    // Streamed: memory did not grow by the file's size (20 MB) several times over.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
  it('a large CSV report (50 MB) is streamed, not held whole', async () => {
    const p = path.join(tmp, 'big.csv');
    const out = createWriteStream(p);
    out.write('"IP","DNS","IP Status","QID","Title"\n');
    const row = (i: number): string => `"198.18.${(i >> 8) & 255}.${i & 255}","h${i}.example","host scanned, found vuln","38170","${'x'.repeat(200)}"\n`;
    let chunk = '';
    for (let i = 0; i < 220_000; i++) {
      chunk += row(i % 60_000);
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.write(chunk + '"198.18.250.1","","host not alive","",""\n');
    out.end();
    await once(out, 'finish');
    const r = await readTriageInputs([p]);
    expect(r.hosts.filter((h) => h.notAlive).map((h) => h.entry)).toEqual(['198.18.250.1']);
  });
});

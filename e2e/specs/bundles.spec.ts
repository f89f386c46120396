// Debug bundles from the app (issue 10), web mode: Export downloads the bundle of the run on
// screen (built from History, nothing probed again); Import (upload or drop) keeps a bundle in
// History, marked "imported from FILE"; bad files get one clear message and change nothing.
// Real lab runs: the sshd on 198.18.1.20 and the ACK-only host 198.18.1.13.
import type { Download, Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readBundle } from '../../electron/bundle/read.js';
import { LAB } from '../lab/hosts.js';
import { expect, ROOT, SCREENSHOT_DIR, test } from '../fixtures.js';

// Lab-only account (e2e/lab/ssh-hosts.sh): sudo asks for this password, which ScanReady answers.
const USER = 'srlab-sudopw';
const PASSWORD = 'SrLab-sudopw-pw1';

function forms(s: string): string[] {
  const b = Buffer.from(s);
  return [s, [...s].reverse().join(''), b.toString('base64'), b.toString('base64').replace(/=+$/, ''), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase(), encodeURIComponent(s)];
}

async function saved(download: Download, dir: string): Promise<string> {
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

async function credentialCheck(app: Page): Promise<void> {
  await app.getByRole('button', { name: 'Credentials', exact: true }).click();
  await app.getByLabel('Host', { exact: true }).fill(LAB.ssh);
  await app.getByLabel('User (the scan account)').fill(USER);
  await app.getByLabel('Login password', { exact: true }).fill(PASSWORD);
  await app.getByRole('button', { name: 'Check credentials' }).click();
  await app.getByTestId('host-key-prompt').getByRole('button', { name: 'Trust this key and continue' }).click();
  await expect(app.getByTestId('auth-status')).toHaveAttribute('data-status', 'passed', { timeout: 60_000 });
}

function pyZip(file: string, script: string): Buffer {
  const r = spawnSync('python3', ['-c', `import zipfile, sys\nf = sys.argv[1]\n${script}`, file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(file);
}

test.describe('debug bundles', () => {
  test.setTimeout(240_000);
  test('export a real credential check: every entry, no secret; import it back into History; report.html screenshot', async ({ app, home, checkA11y }, testInfo) => {
    await credentialCheck(app);
    const exportBox = app.getByTestId('export-bundle');
    await expect(exportBox).toBeVisible();
    await checkA11y('credential check with Export');
    const [download] = await Promise.all([app.waitForEvent('download'), exportBox.getByRole('button', { name: 'Export this credential check as a debug bundle' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^scanready-auth-srlab-sudopw@198\.18\.1\.20-22-\d{4}-\d{2}-\d{2}\.zip$/);
    const file = await saved(download, testInfo.outputPath());
    await expect(app.getByTestId('bundle-message')).toContainText('downloaded');

    const bundle = await readBundle(file);
    expect([...bundle.entries.keys()].sort()).toEqual(['README.txt', 'environment.json', 'probes.csv', 'report.html', 'result.json', 'summary.txt', 'transcript.txt']);
    const transcript = bundle.entries.get('transcript.txt')?.toString('utf8') ?? '';
    expect(transcript).toContain('--- step elevate: ok');
    expect(transcript).toMatch(/stdin> \[REDACTED\]/); // sudo's password prompt was answered; the answer is not here
    expect(bundle.result.auth[0]).toMatchObject({ host: LAB.ssh, user: USER, status: 'passed' });
    for (const [name, data] of bundle.entries) for (const f of forms(PASSWORD)) expect(data.toString('latin1').includes(f), `${name} holds the password as ${f}`).toBe(false);

    // report.html: one self-contained page; the screenshot for the README.
    const report = await app.context().newPage();
    await report.setContent(bundle.entries.get('report.html')?.toString('utf8') ?? '', { waitUntil: 'load' });
    await expect(report.getByRole('heading', { level: 1 })).toContainText('ScanReady');
    await expect(report.locator('body')).toContainText('srlab-sudopw@198.18.1.20');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await report.setViewportSize({ width: 1100, height: 900 });
    await report.screenshot({ path: path.join(SCREENSHOT_DIR, 'report-html-credentials.png'), fullPage: false });
    await report.close();

    // Import it back (the file input behind Import bundle…): History keeps it, marked.
    await app.getByRole('button', { name: 'History', exact: true }).click();
    const rows = app.getByTestId('history-table').locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await app.getByTestId('bundle-file-input').setInputFiles(file);
    await expect(app.getByTestId('auth-status')).toHaveAttribute('data-status', 'passed'); // opened in the result view
    await expect(app.getByTestId('imported-from')).toContainText(`Imported from ${download.suggestedFilename()}`);
    await app.getByRole('button', { name: 'History', exact: true }).click();
    await expect(rows).toHaveCount(2);
    await expect(app.getByTestId('history-imported')).toHaveText(`Imported from ${download.suggestedFilename()}`);
    void home;
  });

  test('export a diagnosis of the ACK-only host with host names replaced; drop the bundle on the window', async ({ app }, testInfo) => {
    await app.getByLabel(/^Target/).fill(LAB.synFilter);
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive', { timeout: 60_000 });
    const exportBox = app.getByTestId('export-bundle');
    await exportBox.getByRole('checkbox', { name: /Replace host names and addresses/ }).check();
    const [download] = await Promise.all([app.waitForEvent('download'), exportBox.getByRole('button', { name: 'Export this diagnosis as a debug bundle' }).click()]);
    const file = await saved(download, testInfo.outputPath());
    const bundle = await readBundle(file);
    const names = [...bundle.entries.keys()];
    expect(names).toEqual(expect.arrayContaining(['report.html', 'result.json', 'summary.txt', 'probes.csv', 'environment.json', 'README.txt']));
    for (const [name, data] of bundle.entries) expect(data.toString('latin1').includes(LAB.synFilter), `${name} names the host`).toBe(false);
    expect(bundle.result.diagnoses[0]?.target).toBe('host-1');
    if (bundle.result.diagnoses[0]?.discovery.privileged) {
      // Raw mode (the server runs as root here): the run's real packets, read back with tcpdump.
      expect(names).toContain('probes.pcap');
      const pcap = path.join(testInfo.outputPath(), 'probes.pcap');
      writeFileSync(pcap, bundle.entries.get('probes.pcap') ?? Buffer.alloc(0));
      const r = spawnSync('tcpdump', ['-r', pcap, '-nn'], { encoding: 'utf8' });
      if (r.error) console.log('skipped the tcpdump read: tcpdump is not installed');
      else expect(r.stdout).toMatch(/> 192\.0\.2\.1\.2869: Flags \[\.\]/); // the ACK probe, to the placeholder address
    } else console.log('probes.pcap not checked: this server is unprivileged (the bundle says why in README.txt)');

    // report.html of the ACK-only host (the README's screenshot): verdict, reason, the probe matrix.
    const report = await app.context().newPage();
    await report.setViewportSize({ width: 1100, height: 1000 });
    await report.setContent(bundle.entries.get('report.html')?.toString('utf8') ?? '', { waitUntil: 'load' });
    await expect(report.locator('body')).toContainText('TCP ACK 80→2869');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await report.screenshot({ path: path.join(SCREENSHOT_DIR, 'report-html.png') });
    await report.close();

    // Drag and drop the bundle onto the window: it opens as an imported diagnosis.
    const bytes = readFileSync(file).toString('base64');
    // (A string expression: the spec is type-checked without the DOM library.)
    const dt = await app.evaluateHandle(
      `(() => { const bin = Uint8Array.from(atob(${JSON.stringify(bytes)}), (c) => c.charCodeAt(0)); const d = new DataTransfer(); d.items.add(new File([bin], ${JSON.stringify(download.suggestedFilename())}, { type: 'application/zip' })); return d; })()`,
    );
    await app.dispatchEvent('main', 'dragover', { dataTransfer: dt });
    await app.dispatchEvent('main', 'drop', { dataTransfer: dt });
    await expect(app.getByTestId('imported-from')).toContainText(`Imported from ${download.suggestedFilename()}`);
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive');
  });

  test('bad files: not a zip, a zip bomb, ../ entry names, not a bundle — one clear message each, History unchanged', async ({ app }, testInfo) => {
    const dir = testInfo.outputPath();
    mkdirSync(dir, { recursive: true });
    const files: [string, Buffer, RegExp][] = [
      ['notes.zip', Buffer.from('meeting notes, not a zip'), /cannot open bundle notes\.zip: not a zip file/i],
      ['bomb.zip', pyZip(path.join(dir, 'bomb.zip'), "z = zipfile.ZipFile(f, 'w', zipfile.ZIP_DEFLATED)\nz.writestr('result.json', b'\\0' * (80 * 1024 * 1024))\nz.close()"), /bomb\.zip: .*(zip bomb|size cap)/],
      ['evil.zip', pyZip(path.join(dir, 'evil.zip'), "z = zipfile.ZipFile(f, 'w')\nz.writestr('../../../tmp/sr-evil', b'x')\nz.close()"), /evil\.zip: unsafe entry name/],
      ['other.zip', pyZip(path.join(dir, 'other.zip'), "z = zipfile.ZipFile(f, 'w')\nz.writestr('hello.txt', b'hi')\nz.close()"), /other\.zip: not a ScanReady bundle/],
    ];
    await app.getByRole('button', { name: 'History', exact: true }).click();
    await expect(app.getByText('Nothing yet')).toBeVisible();
    for (const [name, buffer, why] of files) {
      await app.getByTestId('bundle-file-input').setInputFiles({ name, mimeType: 'application/zip', buffer });
      const msg = app.getByTestId('bundle-message');
      await expect(msg).toHaveAttribute('role', 'alert');
      await expect(msg).toHaveText(why);
      await expect(app.getByText('Nothing yet')).toBeVisible(); // History unchanged
    }
    expect(spawnSync('test', ['-e', '/tmp/sr-evil']).status).not.toBe(0);
    void ROOT;
  });
});

// Profiles: built-ins are read-only; a copy is edited with the Qualys limits shown, saved, used.
import { readFileSync } from 'node:fs';
import { LAB } from '../lab/hosts.js';
import { expect, test } from '../fixtures.js';

test.describe('profiles', () => {
  test('duplicate qualys-default, add the off-profile port, and the host becomes alive', async ({ app, checkA11y, shot }) => {
    await app.getByRole('button', { name: 'Profiles' }).click();
    await app.getByRole('button', { name: /^qualys-default/ }).click();
    await expect(app.getByTestId('tcp-limit')).toContainText('0 / 20');
    await expect(app.getByTestId('udp-limit')).toContainText('6 / 6');
    await expect(app.getByLabel('Name', { exact: true })).toHaveAttribute('readonly', '');

    await app.getByRole('button', { name: 'Duplicate to edit' }).click();
    await app.getByLabel('Name', { exact: true }).fill('lab-8443');
    const tcp = app.getByLabel(/^TCP SYN ports/);
    await tcp.fill(`${await tcp.inputValue()}, ${LAB.offProfilePort}`);
    await expect(app.getByTestId('tcp-limit')).toContainText('1 / 20');

    // Over the limit: the warning appears live, and goes away again.
    await tcp.fill('1-40');
    await expect(app.getByText('Qualys would not accept this profile as-is')).toBeVisible();
    await tcp.fill(`21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 443, 445, 5631, ${LAB.offProfilePort}`);
    await expect(app.getByText('Qualys would not accept this profile as-is')).toHaveCount(0);
    await shot('profile-editor');
    await checkA11y('profile editor');

    await app.getByRole('button', { name: 'Save profile' }).click();
    await expect(app.getByRole('status').filter({ hasText: 'Saved profile “lab-8443”' })).toBeVisible();
    await expect(app.getByRole('button', { name: /^lab-8443/ })).toBeVisible();

    await app.getByRole('button', { name: 'Diagnose a host' }).click();
    await app.getByLabel(/^Target/).fill(LAB.offProfile);
    await app.getByLabel('Discovery profile').selectOption('lab-8443');
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive', { timeout: 60_000 });
    await expect(app.getByRole('button', { name: new RegExp(`^TCP SYN ${LAB.offProfilePort}:`) })).toHaveAttribute('data-result', 'syn-ack');
  });

  test('export and import as JSON', async ({ app }) => {
    await app.getByRole('button', { name: 'Profiles' }).click();
    const json = JSON.stringify({
      profiles: [{ name: 'imported-one', description: 'from a file', tcpSyn: [22, 2222], udp: [53], icmpEcho: true }],
    });
    await app.getByLabel('Import profiles (JSON)').setInputFiles({ name: 'p.json', mimeType: 'application/json', buffer: Buffer.from(json) });
    await expect(app.getByRole('status').filter({ hasText: 'Imported 1 profile' })).toBeVisible();
    await app.getByRole('button', { name: /^imported-one/ }).click();
    await expect(app.getByLabel(/^TCP SYN ports/)).toHaveValue('22, 2222');

    const download = app.waitForEvent('download');
    await app.getByRole('button', { name: 'Export JSON' }).click();
    const file = await download;
    const parsed = JSON.parse(readFileSync(await file.path(), 'utf8')) as { profiles: { name: string }[] };
    expect(parsed.profiles.map((p) => p.name)).toEqual(['imported-one']);

    // A broken file is refused in plain words.
    await app.getByLabel('Import profiles (JSON)').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{ nope') });
    await expect(app.getByRole('alert')).toBeVisible();
    await expect(app.getByRole('alert')).not.toContainText(/SyntaxError|at JSON\.parse/);
  });
});

// Issue 12, "the operator's first hour": what a new operator sees at 1280×800, against the real lab
// (web mode; the server runs as root here, so raw probes are really sent).
import { LAB } from '../lab/hosts.js';
import { expect, test } from '../fixtures.js';
import { SCREENSHOT_DIR } from '../fixtures.js';
import path from 'node:path';
import type { Page } from '@playwright/test';

/** A screenshot of what is on screen (not the full page): the point is what needs no scrolling. */
async function viewShot(app: Page, name: string): Promise<void> {
  await app.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

async function diagnose(app: Page, target: string): Promise<void> {
  await app.getByLabel(/^Target/).fill(target);
  await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
}

test.describe('the operator’s first hour', () => {
  test.beforeEach(async ({ app }) => {
    await app.setViewportSize({ width: 1280, height: 800 });
  });

  test('1. a name that does not resolve: one DNS result, no grid, no badge, DNS advice first', async ({ app, checkA11y }) => {
    await diagnose(app, 'no-such-host.invalid');
    const dns = app.getByTestId('unresolved');
    await expect(dns).toBeVisible({ timeout: 30_000 });
    await expect(dns.getByRole('heading')).toHaveText(/“no-such-host\.invalid” does not resolve \(DNS\)/);
    await expect(dns.getByRole('heading')).toBeFocused();
    await expect(app.getByTestId('verdict-announce')).toContainText('does not resolve');
    // No probe grid, no verdict badge, no "probes ran without raw sockets" banner.
    await expect(app.getByRole('group', { name: /Probe results/ })).toHaveCount(0);
    await expect(app.getByRole('region', { name: 'Probes' })).toHaveCount(0);
    await expect(app.getByTestId('verdict')).toHaveCount(0);
    await expect(app.getByTestId('privilege-notice')).toHaveCount(0);
    // The DNS advice is the first (and only) card.
    const advice = app.getByRole('region', { name: 'What to change' });
    await expect(advice.locator('[data-advice-id]').first()).toHaveAttribute('data-advice-id', 'check-address');
    await expect(advice.locator('[data-advice-id]').first()).toContainText('does not resolve (DNS)');
    await viewShot(app, 'ux-01-unresolvable-name');
    await checkA11y('diagnosis of a name that does not resolve');
  });

  test('2. the verdict is on screen after a run, announced, with focus on it; steps are not buttons', async ({ app }) => {
    await diagnose(app, LAB.prohibit);
    const verdict = app.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'rejected-by-host', { timeout: 60_000 });
    await expect(app.getByRole('heading', { name: 'Verdict' })).toBeFocused();
    await expect(verdict).toBeInViewport();
    await expect(app.getByTestId('verdict-announce')).toContainText('Verdict: Rejected by the host');
    await expect(app.getByTestId('diag-status')).toContainText('Done.', { timeout: 60_000 });
    // Still in view when the run has finished (path, advice) and still focused.
    await expect(verdict).toBeInViewport();
    await expect(app.getByRole('heading', { name: 'Verdict' })).toBeFocused();
    // Run time and probe time, both.
    await expect(app.getByTestId('verdict-facts')).toContainText(/probes took .+, the whole diagnosis/);
    // The progress steps are plain text, not controls.
    const steps = app.getByRole('list', { name: 'Diagnosis progress' });
    await expect(steps.getByRole('button')).toHaveCount(0);
    await expect(steps.locator('li.done')).toHaveCount(6);
    await viewShot(app, 'ux-02-verdict-in-view');
  });
});

test.describe('the path panel agrees with the verdict', () => {
  test('3. a host that rejects by itself is not called a router; a router that rejects is named with one hop number', async ({ app, shot }) => {
    await diagnose(app, LAB.prohibit);
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'rejected-by-host', { timeout: 60_000 });
    const finding = app.getByTestId('path-finding');
    await expect(finding).toHaveAttribute('data-finding', 'target-rejects', { timeout: 60_000 });
    await expect(finding).toContainText('The target itself rejects the probes');
    await expect(app.getByRole('region', { name: /Path to/ })).not.toContainText(/router or firewall|Blocked at/);
    await shot('ux-03-path-host-rejects');

    await diagnose(app, LAB.routerReject);
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'filtered-in-path', { timeout: 60_000 });
    await expect(finding).toHaveAttribute('data-finding', 'hop-rejects', { timeout: 60_000 });
    await expect(finding).toContainText(`Blocked at hop 1: ${LAB.router} (this machine's gateway)`);
    // The advice numbers the same device the same way.
    const first = app.getByRole('region', { name: 'What to change' }).locator('[data-advice-id]').first();
    await expect(first).toHaveAttribute('data-advice-id', 'path-filter');
    await expect(first).toContainText(`${LAB.router} (hop 1, this machine's gateway)`);
    await expect(app.getByRole('list', { name: 'Hops' })).toContainText('(the device of hop 1 again)');
    await shot('ux-03-path-router-rejects');
  });
});

test.describe('advice is ranked', () => {
  test('4. a host reachable only on a custom port: one "Do this first", the rest collapsed, no rule twice, re-run with the port', async ({ app, checkA11y, shot }) => {
    await diagnose(app, LAB.offProfile);
    const advice = app.getByRole('region', { name: 'What to change' });
    await expect(advice).toBeVisible({ timeout: 90_000 });
    const cards = advice.locator('[data-advice-id]');
    await expect(cards.first()).toHaveAttribute('data-advice-id', 'add-tcp-port');
    await expect(advice.getByText('Do this first')).toHaveCount(1);
    await expect(cards.first()).toContainText('Do this first');
    // The others are collapsed: titles only.
    const n = await cards.count();
    expect(n).toBeGreaterThan(1);
    for (let i = 1; i < n; i++) await expect(cards.nth(i).locator('details')).not.toHaveAttribute('open', '');
    // No CLI line in the app: verify is a button.
    await expect(advice).not.toContainText('scanready discover');
    // No firewall rule twice (every rule text once across all cards, opened or not).
    const rules = await advice.locator('pre code').allTextContents();
    expect(new Set(rules).size).toBe(rules.length);
    const ids: (string | null)[] = [];
    for (let i = 0; i < n; i++) ids.push(await cards.nth(i).getAttribute('data-advice-id'));
    expect(new Set(ids).size).toBe(ids.length);
    // The network team's message, with a Copy button.
    const allow = advice.locator('[data-advice-id="allow-scanner"]');
    await allow.locator('summary').click();
    await expect(allow.getByTestId('network-request')).toContainText(`to ${LAB.offProfile}`);
    await expect(allow.getByRole('button', { name: /^Copy message for the network team/ })).toBeVisible();
    await shot('ux-04-advice-ranked');
    await checkA11y('ranked advice');

    // "Re-run with this profile": the port goes into a copy of the profile, the form switches to it, the run goes again.
    await cards.first().getByRole('button', { name: `Re-run with TCP ${LAB.offProfilePort} added to the profile` }).click();
    await expect(app.getByLabel('Discovery profile')).toHaveValue('qualys-default-custom');
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive', { timeout: 90_000 });
    await expect(app.getByTestId('verdict-facts')).toContainText(`open TCP port ${LAB.offProfilePort}`);
  });
});

test.describe('history and errors', () => {
  test('5. a reopened run shows its own target, profile, time and privilege, with Run again', async ({ app, shot }) => {
    await app.getByLabel('Discovery profile').selectOption('nmap-default');
    await diagnose(app, LAB.open);
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive', { timeout: 60_000 });
    await expect(app.getByTestId('diag-status')).toContainText('Done.', { timeout: 60_000 });
    // Another target and profile in the form before reopening.
    await app.getByLabel(/^Target/).fill(LAB.silent);
    await app.getByLabel('Discovery profile').selectOption('qualys-default');

    await app.getByRole('button', { name: 'History' }).click();
    const table = app.getByTestId('history-table');
    const row = table.getByRole('row', { name: new RegExp(LAB.open.replaceAll('.', '\\.')) });
    await expect(row).toContainText('nmap-default');
    await expect(row).toContainText('raw sockets');
    await expect(row).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // No internal codes in the list.
    await expect(table).not.toContainText(/\b(not-alive|passed-insufficient|filtered-in-path) —/);
    await row.getByRole('button', { name: /^Open/ }).click();
    const banner = app.getByTestId('reopened');
    await expect(banner).toContainText(LAB.open);
    await expect(banner).toContainText('nmap-default');
    await expect(banner).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    await expect(banner).toContainText('raw sockets');
    await expect(app.getByLabel(/^Target/)).toHaveValue(LAB.open);
    await expect(app.getByLabel('Discovery profile')).toHaveValue('nmap-default');
    await shot('ux-05-history-reopened');
    await banner.getByRole('button', { name: 'Run again' }).click();
    await expect(app.getByTestId('reopened')).toHaveCount(0);
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive', { timeout: 60_000 });
    await expect(app.getByTestId('verdict-facts')).toContainText('Profile nmap-default');
  });

  test('7. a range in the diagnosis field: a field error in the app’s words, with aria-invalid', async ({ app, checkA11y }) => {
    const field = app.getByLabel(/^Target/);
    await field.fill('198.19.0.0/8');
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    const error = app.locator('#diag-target-error');
    await expect(error).toContainText('use Sweep');
    await expect(error).not.toContainText(/--|force/);
    await expect(field).toHaveAccessibleDescription(/range of addresses/);
    await viewShot(app, 'ux-07-field-error');
    await checkA11y('diagnosis field error');
    await field.fill('198.19.0.1');
    await expect(field).not.toHaveAttribute('aria-invalid', 'true');
  });
});

test.describe('sweep results', () => {
  test('6. host count before starting, grouped by reason, readable "found by", CSV and JSON export', async ({ app, checkA11y, shot }) => {
    await app.getByRole('button', { name: 'Sweep' }).click();
    await app.getByLabel(/^Targets/).fill('198.18.2.1-20');
    await expect(app.getByTestId('sweep-host-count')).toHaveText(/^20 hosts in 1 entry/);
    await app.getByLabel(/^Targets/).fill('198.18.2.0/24\n198.18.2.10');
    await expect(app.getByTestId('sweep-host-count')).toHaveText(/^254 hosts in 2 entries/);
    await app.getByLabel(/^Targets/).fill('198.18.2.1-20');
    await app.getByRole('button', { name: 'Start sweep' }).click();
    await expect(app.getByTestId('sweep-counts')).toContainText('20 of 20 hosts', { timeout: 80_000 });

    // "Found by" in words, no raw codes.
    const table = app.getByTestId('sweep-table');
    await expect(table).not.toContainText(/TCPPort|UDPPort|ICMP;/);
    await expect(table.locator('tbody tr[data-verdict="alive"]').first()).toContainText('ICMP echo reply');

    // Grouped: the 10 silent hosts share one reason, the 10 answering ones another.
    const byReason = app.getByTestId('sweep-by-reason');
    await expect(byReason.getByRole('heading')).toHaveText(/2 reasons for 20 hosts/);
    await expect(byReason.locator('summary')).toHaveCount(2);
    await expect(byReason.locator('summary').first()).toContainText('10 hosts');

    const csvDownload = app.waitForEvent('download');
    await byReason.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/^scanready-sweep-.*\.csv$/);
    const csvText = await (await csv.createReadStream()).toArray().then((chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8'));
    const lines = csvText.trim().split(/\r\n/);
    expect(lines).toHaveLength(21);
    expect(lines[0]).toContain('"Host","Target as typed","Verdict","Found by"');
    expect(csvText).toContain('"Not alive"');

    const jsonDownload = app.waitForEvent('download');
    await byReason.getByRole('button', { name: 'Export JSON' }).click();
    const json = await jsonDownload;
    const jsonText = await (await json.createReadStream()).toArray().then((chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8'));
    const parsed = JSON.parse(jsonText) as { hosts: { verdict: string }[] };
    expect(parsed.hosts).toHaveLength(20);
    expect(parsed.hosts.filter((h) => h.verdict === 'not-alive')).toHaveLength(10);

    await byReason.locator('summary').first().click();
    await shot('ux-06-sweep-by-reason');
    await checkA11y('sweep grouped by reason');
  });
});

test.describe('profile editor', () => {
  test('8. read-only built-ins, every field error at once, stable counters, an unsaved-changes prompt', async ({ app, checkA11y, shot }) => {
    await app.getByRole('button', { name: 'Profiles' }).click();
    await expect(app.getByTestId('readonly-note')).toBeVisible();
    await expect(app.getByRole('textbox', { name: 'Name' })).toHaveAttribute('readonly', '');
    await app.getByRole('button', { name: 'Duplicate to edit' }).click();

    await app.getByLabel(/^TCP SYN ports/).fill('22, 80, 8443, 9000');
    await expect(app.getByTestId('tcp-limit')).toContainText('2 / 20');
    // Three mistakes in three fields: all shown at once, at their fields.
    await app.getByLabel('UDP ports').fill('53, banana');
    await app.getByLabel(/^Attempts per probe/).fill('0');
    await app.getByLabel(/^TCP ACK probes/).fill('80-');
    await expect(app.getByLabel('UDP ports')).toHaveAttribute('aria-invalid', 'true');
    await expect(app.getByLabel(/^Attempts per probe/)).toHaveAttribute('aria-invalid', 'true');
    await expect(app.getByLabel(/^TCP ACK probes/)).toHaveAttribute('aria-invalid', 'true');
    await expect(app.getByLabel(/^TCP SYN ports/)).not.toHaveAttribute('aria-invalid', 'true');
    await expect(app.getByTestId('profile-problems')).toContainText('3 fields need fixing');
    // The TCP counter does not drop to 0 because another field is wrong.
    await expect(app.getByTestId('tcp-limit')).toContainText('2 / 20');
    await expect(app.getByRole('button', { name: 'Save profile' })).toBeDisabled();
    await shot('ux-08-profile-errors');
    await checkA11y('profile editor with errors');

    // Leaving with unsaved edits asks first: another profile…
    await app.getByRole('navigation', { name: 'Profiles' }).getByRole('button', { name: /^nmap-default/ }).click();
    const prompt = app.getByTestId('unsaved-prompt');
    await expect(prompt).toBeVisible();
    await prompt.getByRole('button', { name: 'Keep editing' }).click();
    await expect(app.getByLabel('UDP ports')).toHaveValue('53, banana');
    // …or another screen.
    await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sweep' }).click();
    await expect(prompt).toBeVisible();
    await shot('ux-08-unsaved-prompt');
    await prompt.getByRole('button', { name: 'Discard changes' }).click();
    await expect(app.getByRole('heading', { level: 1, name: 'Sweep' })).toBeVisible();
  });
});

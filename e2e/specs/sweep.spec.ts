// Sweeps over the lab farm (198.18.2.x: even last octets answer, odd ones are silent).
import { expect, test } from '../fixtures.js';

test.describe('sweep', () => {
  test('198.18.2.1-40: progress, counts, filter by verdict, drill-down', async ({ app, checkA11y, shot }) => {
    await app.getByRole('button', { name: 'Sweep' }).click();
    await app.getByLabel(/^Targets/).fill('198.18.2.1-40');
    await app.getByRole('button', { name: 'Start sweep' }).click();

    const counts = app.getByTestId('sweep-counts');
    await expect(counts).toContainText('40 of 40 hosts', { timeout: 80_000 });
    await expect(app.getByRole('heading', { name: 'Sweep finished' })).toBeVisible();
    await expect(counts).toContainText('20 alive');
    await expect(counts).toContainText('20 not alive');
    await expect(app.getByRole('progressbar', { name: 'Sweep progress' })).toHaveAttribute('aria-valuenow', '40');

    const table = app.getByTestId('sweep-table');
    await expect(table.locator('tbody tr')).toHaveCount(40);
    await shot('sweep-results');

    await app.getByLabel('Show').selectOption('not-alive');
    await expect(table.locator('tbody tr')).toHaveCount(20);
    await expect(table.locator('tbody tr[data-verdict="alive"]')).toHaveCount(0);
    await app.getByLabel('Show').selectOption('alive');
    await expect(table.locator('tbody tr')).toHaveCount(20);

    // Sort by host, descending: 198.18.2.40 first.
    await app.getByRole('button', { name: /^Host/ }).click();
    await expect(table.locator('tbody tr').first()).toContainText('198.18.2.40');

    await app.getByRole('button', { name: 'Details for 198.18.2.40', exact: true }).click();
    const detail = app.getByTestId('host-detail');
    await expect(detail).toContainText('Alive');
    await expect(detail.getByRole('group', { name: /Probe results/ }).getByRole('button').first()).toBeVisible();
    await shot('sweep-drill-down');
    await checkA11y('sweep results');

    // Reopen it from the history: the same 40 hosts.
    await app.getByRole('button', { name: 'History' }).click();
    await app.getByRole('button', { name: /^Open sweep of 198\.18\.2\.1-40/ }).click();
    await expect(app.getByRole('heading', { name: 'Sweep finished (reopened from history)' })).toBeVisible();
    await expect(app.getByTestId('sweep-counts')).toContainText('40 of 40 hosts');
    await expect(app.getByTestId('sweep-table').locator('tbody tr')).toHaveCount(40);
  });

  test('cancel mid-sweep stops it and keeps what was found', async ({ app }) => {
    await app.getByRole('button', { name: 'Sweep' }).click();
    // The triage farm's /20 (4,094 hosts, a quarter of them silent): at the default 5,000 pps a
    // /24 can finish before the click lands; this cannot.
    await app.getByLabel(/^Targets/).fill('198.18.240.0/20');
    await app.getByRole('button', { name: 'Start sweep' }).click();
    const cancel = app.getByRole('button', { name: 'Cancel sweep' });
    await expect(cancel).toBeVisible();
    // Cancel once some hosts are in, long before the end.
    await expect(app.getByTestId('sweep-counts')).toContainText(/[1-9]\d* of 4094 hosts/, { timeout: 30_000 });
    await cancel.click();
    await expect(app.getByRole('heading', { name: 'Sweep cancelled' })).toBeVisible({ timeout: 15_000 });
    const text = (await app.getByTestId('sweep-counts').textContent()) ?? '';
    const hostsFinished = Number((/(\d+) of 4094/.exec(text)?.[1] ?? 'NaN').replace(/,/g, ''));
    expect(hostsFinished).toBeLessThan(4094);
    expect(hostsFinished).toBeGreaterThan(0);
    // What was found before the cancel stays on screen.
    await expect(app.getByTestId('sweep-table').locator('tbody tr')).toHaveCount(Math.min(hostsFinished, 50));
    await expect(app.getByRole('button', { name: 'Start sweep' })).toBeEnabled();
  });
});

// History in the one SQLite database: runs written by another process (here the test itself, as
// the CLI would) while the app is open show up; search, pin and the filters work as a user uses them.
import type { AuthResult } from '../../shared/auth.js';
import { HistoryStore, newHistoryId, summarizeAuth, summarizeDiscovery } from '../../electron/history/index.js';
import { sampleHost } from '../../electron/history/sampleHosts.js';
import { expect, test } from '../fixtures.js';

const NO_RETENTION = { keepDays: null, keepMB: null };

function seed(home: string): void {
  const store = new HistoryStore(home);
  const now = Date.now();
  for (let i = 0; i < 3; i++) {
    const host = { ...sampleHost(i + 1), target: `198.18.3.${i + 1}` };
    const at = new Date(now - (3 - i) * 60_000).toISOString();
    store.add('discovery', summarizeDiscovery(newHistoryId(now - (3 - i) * 60_000), [host.target], [host], false, at), { hosts: [host], cancelled: false }, NO_RETENTION);
  }
  const auth = {
    host: '198.18.3.20',
    port: 22,
    user: 'scan',
    delegation: 'sudo-su',
    status: 'failed',
    steps: [],
    hostKey: null,
    listening: [],
    advice: [],
    startedAt: new Date(now).toISOString(),
    durationMs: 900,
  } as unknown as AuthResult;
  store.add('auth', summarizeAuth(newHistoryId(now), auth, new Date(now).toISOString()), auth, NO_RETENTION);
  store.close();
}

test.describe('history', () => {
  test('runs from another process appear; search by target and outcome; pin and show pinned only', async ({ app, home, checkA11y, shot }) => {
    seed(home);
    await app.getByRole('button', { name: 'History' }).click();
    const rows = app.getByTestId('history-table').locator('tbody tr');
    await expect(rows).toHaveCount(4);
    // Newest first; dates are ISO-like, never locale-ambiguous.
    await expect(rows.first()).toContainText('scan@198.18.3.20:22');
    await expect(rows.first().locator('time')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    await app.getByLabel('Target contains').fill('198.18.3.2');
    await app.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(rows).toHaveCount(2); // 198.18.3.2 and 198.18.3.20
    await app.getByLabel('Outcome').selectOption('failed');
    await app.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Failed');

    await app.getByRole('button', { name: 'Reset' }).click();
    await expect(rows).toHaveCount(4);
    await app.getByRole('button', { name: 'Pin sweep of 198.18.3.1' }).click();
    await expect(app.getByRole('button', { name: 'Unpin sweep of 198.18.3.1' })).toHaveAttribute('aria-pressed', 'true');
    await app.getByLabel('Pinned only').check();
    await app.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('198.18.3.1');
    await shot('history-search');
    await checkA11y('history search');

    // A search with no match says so instead of showing an empty table.
    await app.getByLabel('Target contains').fill('203.0.113.99');
    await app.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(app.getByText('No stored run matches this search.')).toBeVisible();
  });
});

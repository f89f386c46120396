// Prove the fix (issue 11), in the app: diagnose a host that drops everything (.27), Watch until
// alive, put a firewall rule in its namespace during the watch, and see the probe that turned, the
// verdict and the announcement; then compare the two stored diagnoses in History.
import { LAB } from '../lab/hosts.js';
import { addRule, deleteRule, ruleName } from '../lab/rules.js';
import { expect, test } from '../fixtures.js';

test.describe('prove the fix', () => {
  test('Watch until alive: the rule goes in, the cell and the verdict change, the live message appears; History compares the two runs', async ({ app, shot, checkA11y }) => {
    test.setTimeout(300_000);
    const name = ruleName();
    try {
      await app.getByLabel(/^Target/).fill(LAB.watchUi);
      await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
      await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'not-alive', { timeout: 120_000 });

      const panel = app.getByTestId('watch-panel');
      await expect(panel).toBeVisible({ timeout: 120_000 });
      await panel.getByRole('button', { name: 'Watch until alive' }).click();
      await expect(panel.getByTestId('watch-status')).toHaveText(/Watching… round [1-9]/, { timeout: 60_000 });
      await expect(panel.getByTestId('watch-verdict')).toContainText('Not alive');

      await addRule('watchui', name, LAB.watchPort);

      await expect(panel.getByTestId('watch-live')).toContainText(`${LAB.watchUi} is alive now`, { timeout: 60_000 });
      await expect(panel.getByTestId('watch-verdict')).toContainText('Alive (was Not alive)');
      const cell = panel.getByRole('button', { name: /^TCP SYN 80:/ });
      await expect(cell).toHaveClass(/changed/);
      await expect(cell).toContainText('was: no response');
      await expect(panel.getByTestId('watch-changes')).toContainText(`TCP SYN 80: no response → RST (closed, alive) from ${LAB.watchUi}`);
      await expect(panel.getByTestId('watch-status')).toHaveText(/Stopped after \d+ rounds?: the host is alive/);
      await expect.poll(() => app.title()).toContain(`Alive: ${LAB.watchUi}`);
      await shot('watch-until-alive');
      await checkA11y('watch until alive (turned alive)');

      // A second diagnosis, now alive, is stored too: compare the two in History.
      await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
      await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive', { timeout: 120_000 });
      await app.getByRole('button', { name: 'History' }).click();
      const rows = app.getByTestId('history-table').locator('tbody tr').filter({ hasText: LAB.watchUi });
      await expect(rows).toHaveCount(2, { timeout: 30_000 });
      await rows.nth(0).getByRole('button', { name: /^Compare / }).click();
      await rows.nth(1).getByRole('button', { name: /^Compare / }).click();
      await app.getByRole('button', { name: 'Compare the two runs' }).click();
      const view = app.getByTestId('compare-view');
      await expect(view).toBeVisible();
      await expect(view.getByRole('row', { name: /^Verdict/ })).toContainText('Not alive');
      await expect(view.getByRole('row', { name: /^Verdict/ })).toContainText('Alive');
      await expect(view.getByTestId('compare-probe').filter({ hasText: 'TCP SYN 80' })).toContainText(`RST (closed, alive) from ${LAB.watchUi}`);
      await shot('history-compare');
      await checkA11y('history comparison');
    } finally {
      await deleteRule('watchui', name);
    }
  });
});

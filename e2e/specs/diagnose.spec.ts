// A single host the scanner calls "not alive": the guided flow from target to advice, against
// real lab hosts (the web server runs as root here, so raw probes are really sent).
import { LAB } from '../lab/hosts.js';
import { expect, test } from '../fixtures.js';

test.describe('diagnose a host', () => {
  test('a silent host is not alive, with the path and advice shown', async ({ app, checkA11y, shot }) => {
    await app.getByLabel(/^Target/).fill(LAB.silent);
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();

    // The matrix fills in live: one cell per probe of qualys-default (13 SYN + 2 ACK + 1 SYN-ACK + 6 UDP + echo).
    const cells = app.getByRole('group', { name: /Probe results/ }).getByRole('button');
    await expect(cells).toHaveCount(23);

    const verdict = app.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'not-alive', { timeout: 60_000 });
    await expect(verdict).toHaveText('Not alive');
    // Every probe went unanswered: none is marked alive.
    await expect(app.locator('.cell.ok')).toHaveCount(0);
    await expect(app.locator('[data-result="no-response"]')).toHaveCount(23);

    // Advice cards with copy buttons for the firewall rules.
    const advice = app.getByRole('region', { name: 'What to change' });
    await expect(advice).toBeVisible({ timeout: 60_000 });
    await expect(advice.locator('[data-advice-id]').first()).toBeVisible();
    await expect(advice.locator('[data-advice-id="allow-scanner"]')).toBeVisible();
    await expect(advice.getByRole('button', { name: /^Copy nftables/ }).first()).toBeVisible();
    await expect(app.getByRole('region', { name: /Path to/ })).toBeVisible();

    // Selecting a cell shows its evidence.
    await app.getByRole('button', { name: /^ICMP echo:/ }).click();
    const detail = app.getByRole('complementary', { name: 'Selected probe' });
    await expect(detail).toContainText('no response');
    await expect(detail).toContainText('raw socket');
    // The matrix is one tab stop; arrow keys move inside it, Enter selects.
    await app.keyboard.press('ArrowRight');
    await expect(app.getByRole('button', { name: /^TCP SYN 21:/ })).toBeFocused();
    await app.keyboard.press('Enter');
    await expect(detail.getByRole('heading', { name: 'TCP SYN 21' })).toBeVisible();

    await shot('diagnose-silent-host');
    await checkA11y('diagnosis result (silent host)');
  });

  test('a host alive only through ACK probes: the ACK cell shows the RST and who sent it', async ({ app, shot }) => {
    await app.getByLabel(/^Target/).fill(LAB.synFilter);
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();

    const verdict = app.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'alive', { timeout: 60_000 });
    await expect(app.getByTestId('verdict-reason')).toContainText(/ACK/);

    const ack = app.getByRole('button', { name: /^TCP ACK 80→2869:/ });
    await expect(ack).toHaveAttribute('data-result', 'rst');
    // SYN probes are dropped by the stateless filter.
    await expect(app.getByRole('button', { name: /^TCP SYN 22:/ })).toHaveAttribute('data-result', 'no-response');

    await ack.click();
    await expect(ack).toHaveAttribute('aria-pressed', 'true');
    const detail = app.getByRole('complementary', { name: 'Selected probe' });
    await expect(detail).toContainText(LAB.synFilter);
    await expect(detail).toContainText('(the target)');
    await expect(detail).toContainText('raw socket');
    await expect(detail.locator('dt:text("TTL") + dd')).toHaveText(/^\d+$/);
    await expect(detail.locator('dt:text("RTT") + dd')).toHaveText(/ms$/);
    await expect(app.getByTestId('diag-status')).toContainText('Done.', { timeout: 60_000 });
    await shot('diagnose-ack-only-host');

    // The guided flow goes on to the credential check with the host filled in.
    await app.getByRole('button', { name: `Next: check the scanner's credentials on ${LAB.synFilter}` }).click();
    await expect(app.getByRole('heading', { level: 1, name: /credentials work/ })).toBeFocused();
    await expect(app.getByLabel('Host')).toHaveValue(LAB.synFilter);

    // The run lands in the history and can be reopened.
    await app.getByRole('button', { name: 'History' }).click();
    const row = app.getByTestId('history-table').getByRole('row', { name: new RegExp(LAB.synFilter.replaceAll('.', '\\.')) });
    await expect(row).toBeVisible();
    await shot('history');
    await row.getByRole('button', { name: /^Open/ }).click();
    await expect(app.getByText('Reopened from history')).toBeVisible();
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive');
  });

  test('unprivileged, ACK probes are marked "needs privilege" and "Run privileged probes" settles it', async ({ app, checkA11y, shot }) => {
    await app.getByLabel(/^Target/).fill(LAB.synFilter);
    await app.getByText('More options').click();
    await app.getByLabel('Probes', { exact: true }).selectOption('unprivileged');
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();

    const verdict = app.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'inconclusive', { timeout: 60_000 });
    // Not "no response": the probes could not be sent, and the cell says so.
    const ack = app.getByRole('button', { name: /^TCP ACK 80→2869:/ });
    await expect(ack).toHaveAttribute('data-result', 'needs-privilege');
    await expect(ack).toContainText('needs root');
    await expect(app.locator('[data-result="needs-privilege"]')).toHaveCount(3);
    // SYN probes went through connect(): marked as a fallback.
    await expect(app.getByRole('button', { name: /^TCP SYN 22:/ })).toContainText('fallback');
    const notice = app.getByTestId('privilege-notice');
    await expect(notice).toContainText('3 probes (TCP ACK / SYN-ACK) could not be sent');
    await expect(app.getByTestId('diag-status')).toContainText('Done.', { timeout: 60_000 });
    await shot('diagnose-unprivileged');
    await checkA11y('diagnosis result (unprivileged)');

    await notice.getByRole('button', { name: 'Run privileged probes' }).click();
    await expect(verdict).toHaveAttribute('data-verdict', 'alive', { timeout: 60_000 });
    await expect(ack).toHaveAttribute('data-result', 'rst');
    await expect(app.getByTestId('privilege-notice')).toHaveCount(0);
  });

  test('Cancel stops a diagnosis of a silent host mid-run: shown as cancelled, no verdict claimed', async ({ app }) => {
    await app.getByLabel(/^Target/).fill(LAB.silent);
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
    const status = app.getByTestId('diag-status');
    // Mid-run: the probes are out and unanswered (a silent host answers nothing until the timeouts).
    await expect(status).toContainText('probing');
    await expect(app.getByRole('group', { name: /Probe results/ }).getByRole('button')).toHaveCount(23);
    await app.getByRole('button', { name: 'Cancel', exact: true }).click();

    // "Cancelled." only when the run itself confirms it stopped (not the UI's own timeout).
    await expect(status).toHaveText('Cancelled.', { timeout: 10_000 });
    await expect(app.getByTestId('diag-cancelled')).toContainText('there is no verdict');
    await expect(app.getByTestId('verdict')).toHaveCount(0);
    await expect(app.getByRole('region', { name: 'What to change' })).toHaveCount(0);
    await expect(app.getByRole('button', { name: 'Cancel', exact: true })).toHaveCount(0);
    await expect(app.getByRole('button', { name: 'Diagnose', exact: true })).toBeEnabled();
    // A cancelled diagnosis is not stored as if it had a result.
    await app.getByRole('button', { name: 'History' }).click();
    await expect(app.getByText('Nothing yet')).toBeVisible();
  });

  test('bad input is refused in plain words', async ({ app }) => {
    await app.getByLabel(/^Target/).fill('999.1.1.1');
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
    const alert = app.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).not.toContainText(/at \w+ \(|Error:|stack/);
  });
});

// The credential check against the lab's real sshd (198.18.1.20): a scan account whose
// delegation works (Passed) and one that logs in but cannot become root (Passed*).
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { LAB } from '../lab/hosts.js';
import { expect, ROOT, test } from '../fixtures.js';

// Lab-only accounts and passwords (e2e/lab/ssh-hosts.sh).
const ACCOUNTS = {
  /** NOPASSWD sudo: passes with the default `sudo su -`. */
  root: { user: 'srlab-nopasswd', password: 'SrLab-nopasswd-pw1' },
  /** No sudo at all: logs in, stays unprivileged. */
  noSudo: { user: 'srlab-nosudo', password: 'SrLab-nosudo-pw1' },
};

test.describe('credential check', () => {

  async function fill(app: Page, user: string, password: string): Promise<void> {
    await app.getByRole('button', { name: 'Credentials', exact: true }).click();
    await app.getByLabel('Host', { exact: true }).fill(LAB.ssh);
    await app.getByLabel('User (the scan account)').fill(user);
    await app.getByLabel('Login password', { exact: true }).fill(password);
  }

  test('passes with root delegation; the host key is asked for on first contact', async ({ app, checkA11y, shot }) => {
    await fill(app, ACCOUNTS.root.user, ACCOUNTS.root.password);
    await app.getByRole('button', { name: 'Check credentials' }).click();
    // Secrets leave the form as soon as the check starts.
    await expect(app.getByLabel('Login password', { exact: true })).toHaveValue('');

    const prompt = app.getByTestId('host-key-prompt');
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText('SHA256:');
    await shot('credentials-host-key-prompt');
    await prompt.getByRole('button', { name: 'Trust this key and continue' }).click();

    const status = app.getByTestId('auth-status');
    await expect(status).toHaveAttribute('data-status', 'passed', { timeout: 60_000 });
    await expect(app.locator('[data-step="uid-elevated"]')).toHaveAttribute('data-status', 'passed');
    await expect(app.getByRole('region', { name: 'Listening ports on the target' })).toBeVisible();
    await shot('credentials-passed');
    await checkA11y('credential check (passed)');
    // The secret is nowhere in the page any more.
    expect(await app.content()).not.toContain(ACCOUNTS.root.password);
  });

  test('logged in but not root is Passed* (insufficient privileges), explained', async ({ app, shot }) => {
    await fill(app, ACCOUNTS.noSudo.user, ACCOUNTS.noSudo.password);
    await app.getByRole('button', { name: 'Check credentials' }).click();
    const prompt = app.getByTestId('host-key-prompt');
    await prompt.getByRole('button', { name: 'Trust this key and continue' }).click();
    const status = app.getByTestId('auth-status');
    await expect(status).toHaveAttribute('data-status', 'passed-insufficient', { timeout: 60_000 });
    await expect(status).toContainText('false negatives');
    await expect(app.locator('[data-step="elevate"]')).toHaveAttribute('data-status', 'failed');
    await expect(app.getByRole('region', { name: 'What to change' })).toBeVisible();
    await shot('credentials-passed-insufficient');
  });

  test('listening ports outside the profile can be added to it', async ({ app }) => {
    await fill(app, ACCOUNTS.root.user, ACCOUNTS.root.password);
    // nmap-default probes TCP 443 only: sshd's 22 and the web server's 80 are candidates.
    await app.getByLabel('Profile (for port candidates)').selectOption('nmap-default');
    await app.getByRole('button', { name: 'Check credentials' }).click();
    await app.getByTestId('host-key-prompt').getByRole('button', { name: 'Trust this key and continue' }).click();
    await expect(app.getByTestId('auth-status')).toHaveAttribute('data-status', 'passed', { timeout: 60_000 });

    const ports = app.getByRole('region', { name: 'Listening ports on the target' });
    const add22 = ports.getByRole('button', { name: 'Add TCP port 22 to the profile' });
    await expect(add22).toBeVisible();
    await add22.click();
    await expect(app.getByRole('status').filter({ hasText: 'Added TCP 22 to “nmap-default-custom”' })).toBeVisible();
    await expect(add22).toBeDisabled();

    // The built-in stays as shipped; the copy has the port.
    await app.getByRole('button', { name: 'Profiles', exact: true }).click();
    await app.getByRole('button', { name: /^nmap-default-custom/ }).click();
    await expect(app.getByLabel(/^TCP SYN ports/)).toHaveValue('443, 22');
    await app.getByRole('button', { name: /^nmap-default \(built-in\)/ }).click();
    await expect(app.getByLabel(/^TCP SYN ports/)).toHaveValue('443');
  });

  test('Cancel stops a credential check mid-run (while it waits at the host-key question)', async ({ app }) => {
    await fill(app, ACCOUNTS.root.user, ACCOUNTS.root.password);
    await app.getByRole('button', { name: 'Check credentials' }).click();
    // Deterministic mid-run point: the first steps are in and the check waits for the operator.
    await expect(app.locator('[data-step="reach"]')).toHaveAttribute('data-status', 'passed');
    await expect(app.getByTestId('host-key-prompt')).toBeVisible();
    await app.getByRole('button', { name: 'Cancel', exact: true }).click();

    // "Cancelled." only when the run itself confirms it stopped.
    await expect(app.getByTestId('auth-run-status')).toHaveText('Cancelled.', { timeout: 10_000 });
    await expect(app.getByTestId('host-key-prompt')).toHaveCount(0);
    await expect(app.getByTestId('auth-status')).toHaveCount(0);
    await expect(app.locator('[data-step="login"]')).toHaveAttribute('data-status', 'not run');
    await expect(app.getByRole('button', { name: 'Cancel', exact: true })).toHaveCount(0);
    await expect(app.getByRole('button', { name: 'Check credentials' })).toBeEnabled();
    await app.getByRole('button', { name: 'History' }).click();
    await expect(app.getByText('Nothing yet')).toBeVisible();
  });

  test('a diagnosis can include the credential check: verdict, checklist and advice; Cancel works there too', async ({ app, checkA11y, shot }) => {
    const section = app.getByTestId('diag-credentials');
    const include = async (): Promise<void> => {
      await app.getByLabel(/^Target/).fill(LAB.ssh);
      if (!(await section.getAttribute('open'))) await section.getByText('Also check credentials').click();
      await section.getByRole('checkbox', { name: /Log in to the target over SSH/ }).check();
      await app.getByLabel('User (the scan account)').fill(ACCOUNTS.root.user);
      await app.getByLabel('Login password', { exact: true }).fill(ACCOUNTS.root.password);
    };
    await include();
    await shot('diagnose-with-credentials');
    await checkA11y('diagnose form with credentials');

    // First run: cancelled at the host-key question (the prompt shows on the Diagnose screen).
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
    await expect(app.getByLabel('Login password', { exact: true })).toHaveValue('');
    const prompt = app.getByTestId('host-key-prompt');
    await expect(prompt).toBeVisible({ timeout: 60_000 });
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive');
    await app.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(app.getByTestId('diag-status')).toHaveText('Cancelled.', { timeout: 10_000 });
    await expect(prompt).toHaveCount(0);
    await expect(app.getByTestId('diag-cancelled')).toContainText('the verdict below stands');
    await expect(app.getByTestId('diag-auth-status')).toHaveCount(0);

    // Second run: the secret was cleared, so it is typed again; trust the key; the check passes.
    await app.getByLabel('Login password', { exact: true }).fill(ACCOUNTS.root.password);
    await app.getByRole('button', { name: 'Diagnose', exact: true }).click();
    await prompt.getByRole('button', { name: 'Trust this key and continue' }).click();
    const authStatus = app.getByTestId('diag-auth-status');
    await expect(authStatus).toHaveAttribute('data-status', 'passed', { timeout: 60_000 });
    await expect(authStatus).toHaveText('Passed');
    const checklist = app.getByTestId('diag-auth');
    await expect(checklist.locator('[data-step="login"]')).toHaveAttribute('data-status', 'passed');
    await expect(checklist.locator('[data-step="uid-elevated"]')).toHaveAttribute('data-status', 'passed');
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive');
    await expect(app.getByTestId('diag-status')).toContainText('Done.');
    // The check is already part of this diagnosis: no "Next: check the credentials" step.
    await expect(app.getByRole('button', { name: /^Next: check the scanner's credentials/ })).toHaveCount(0);
    await expect(app.getByRole('region', { name: 'What to change' })).toBeVisible();
    await expect(app.getByRole('region', { name: 'Listening ports on the target' })).toBeVisible();
    await shot('diagnose-with-credentials-result');
    expect(await app.content()).not.toContain(ACCOUNTS.root.password);

    // Reopened from history: the same verdict and checklist.
    await app.getByRole('button', { name: 'History' }).click();
    const row = app.getByTestId('history-table').getByRole('row', { name: new RegExp(LAB.ssh.replaceAll('.', '\\.')) });
    await expect(row).toHaveCount(1);
    await row.getByRole('button', { name: /^Open/ }).click();
    await expect(app.getByText('Reopened from history')).toBeVisible();
    await expect(app.getByTestId('verdict')).toHaveAttribute('data-verdict', 'alive');
    await expect(app.getByTestId('diag-auth-status')).toHaveAttribute('data-status', 'passed');
    await expect(app.getByTestId('diag-auth').locator('[data-step="uid-elevated"]')).toHaveAttribute('data-status', 'passed');
  });

  test('a changed host key is a hard stop before any secret is sent', async ({ app, shot }) => {
    const check = async (): Promise<void> => {
      await app.getByRole('button', { name: 'Credentials', exact: true }).click();
      await app.getByLabel('Host', { exact: true }).fill(LAB.sshRekey);
      await app.getByLabel('User (the scan account)').fill(ACCOUNTS.root.user);
      await app.getByLabel('Login password', { exact: true }).fill(ACCOUNTS.root.password);
      await app.getByRole('button', { name: 'Check credentials' }).click();
    };
    // First contact: trust the key.
    await check();
    await app.getByTestId('host-key-prompt').getByRole('button', { name: 'Trust this key and continue' }).click();
    await expect(app.getByTestId('auth-status')).toHaveAttribute('data-status', /passed/, { timeout: 60_000 });

    // The server gets a new host key (lab.sh rekey), then the same check again.
    execFileSync('bash', [path.join(ROOT, 'e2e', 'lab', 'lab.sh'), 'rekey'], { stdio: 'ignore', timeout: 60_000 });
    await check();
    const stop = app.getByTestId('host-key-changed');
    await expect(stop).toBeVisible({ timeout: 30_000 });
    await expect(stop).toContainText('CHANGED');
    await expect(stop).toContainText('No password or key was sent');
    await expect(app.getByTestId('host-key-prompt')).toHaveCount(0);
    await expect(app.getByTestId('auth-status')).toHaveAttribute('data-status', 'failed');
    await expect(app.locator('[data-step="login"]')).toHaveAttribute('data-status', 'skipped');
    await shot('credentials-host-key-changed');
  });
});

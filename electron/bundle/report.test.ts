/** report.html opened in the real Chromium (Playwright): what a support engineer sees. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult } from '../../shared/auth.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { bundleContents } from './bundle.js';

const CHROMIUM = process.env.SCANREADY_CHROMIUM ?? '/usr/bin/chromium';
const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-report-'));
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const probe = (p: Partial<ProbeResult>): ProbeResult => ({
  protocol: 'tcp', kind: 'syn', port: 22, sourcePort: null, method: 'raw', result: 'no-response', responder: null, fromTarget: false,
  icmpType: null, icmpCode: null, ttl: null, rttMs: null, attempts: 2, countsAsAlive: false, ...p,
});

const host = (h: Partial<HostResult>): HostResult => ({
  target: 'silent.lab', address: '198.18.1.10', family: 4, alive: false, verdict: 'not-alive', reason: 'nothing answered any probe', aliveBy: '',
  privileged: true, profile: 'qualys-default', probes: [], warnings: [], startedAt: '2026-01-01T00:00:00Z', durationMs: 1500, ...h,
});

async function open(name: string, html: string): Promise<Page> {
  const file = path.join(dir, `${name}.html`);
  writeFileSync(file, html);
  const context = await (browser as Browser).newContext({ javaScriptEnabled: false });
  const requests: string[] = [];
  context.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  expect(requests).toEqual([]); // no network
  return page;
}

describe.skipIf(!existsSync(CHROMIUM))('report.html in Chromium', () => {
  if (!existsSync(CHROMIUM)) console.log(`skipped: no Chromium at ${CHROMIUM} (set SCANREADY_CHROMIUM)`);

  it('a silent host: verdict, reason and every probe with no answer', async () => {
    const silent = host({ probes: [probe({ port: 22 }), probe({ port: 80 }), probe({ protocol: 'icmp', kind: 'echo', port: null })] });
    const page = await open('silent', bundleContents({ discoveries: [silent] }).get('report.html') ?? '');
    await expect(page.locator('.verdict').first().textContent()).resolves.toBe('not-alive');
    const body = await page.locator('body').innerText();
    expect(body).toContain('silent.lab');
    expect(body).toContain('198.18.1.10');
    expect(body).toContain('nothing answered any probe');
    expect(await page.locator('table.probes tbody tr').count()).toBe(3);
    await page.screenshot({ path: path.join(dir, 'silent.png'), fullPage: true });
  });

  it('an ACK-only host: the RST row with responder, TTL, RTT and method', async () => {
    const ackOnly = host({
      target: 'ackonly.lab', address: '198.18.1.11', alive: true, verdict: 'alive', reason: 'alive: RST to TCP ACK 80; SYN probes dropped — a stateless SYN filter', aliveBy: 'TCP RST',
      probes: [probe({ port: 22 }), probe({ kind: 'ack', port: 80, sourcePort: 2869, result: 'rst', responder: '198.18.1.11', fromTarget: true, ttl: 63, rttMs: 0.42, countsAsAlive: true })],
    });
    const page = await open('ack', bundleContents({ discoveries: [ackOnly] }).get('report.html') ?? '');
    const row = page.locator('table.probes tbody tr', { hasText: 'rst' });
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toContain('ACK');
    expect(cells[0]).toContain('80');
    expect(cells[2]).toBe('198.18.1.11');
    expect(cells[4]).toBe('63');
    expect(cells[5]).toBe('0.4 ms');
    expect(cells[6]).toBe('raw');
    expect(await page.locator('.verdict').first().textContent()).toBe('alive');
  });

  it('a credential check: the checklist with evidence, listening ports, advice commands; hostile text stays text', async () => {
    const auth = {
      host: '198.18.2.20', port: 22, user: 'scan<b>', delegation: 'sudo-su', status: 'passed-insufficient', hostKey: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abc', status: 'trusted' },
      steps: [
        { id: 'login', ok: true, ms: 30, summary: 'logged in with a password', data: { method: 'password' } },
        { id: 'elevate', ok: false, ms: 40, summary: 'sudo said: <script>alert(1)</script><img src=x>', reason: 'not-in-sudoers', explanation: 'the account is not in sudoers', data: { evidence: 'scan is not in the sudoers file' } },
      ],
      listening: [{ protocol: 'tcp', address: '0.0.0.0', port: 5432, process: 'postgres', candidate: true }],
      advice: [{ id: 'grant-sudo', title: 'Allow the scan account to become root', why: 'sudo refused', severity: 'fix', actions: [{ label: 'sudoers', kind: 'command', text: "echo 'scan ALL=(ALL) ALL' > /etc/sudoers.d/scan" }] }],
      startedAt: '2026-01-01T00:00:00Z', durationMs: 900,
    } as unknown as AuthResult;
    const html = bundleContents({ auth: [auth] }).get('report.html') ?? '';
    expect(html).not.toContain('<script>alert');
    const page = await open('auth', html);
    const body = await page.locator('body').innerText();
    expect(body).toContain('scan<b>@198.18.2.20:22');
    expect(body).toContain('sudo said: <script>alert(1)</script><img src=x>');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('table.checklist tbody tr').count()).toBe(2);
    expect(body).toContain('scan is not in the sudoers file');
    expect(body).toContain('postgres');
    expect(await page.locator('ol.advice pre').innerText()).toBe("echo 'scan ALL=(ALL) ALL' > /etc/sudoers.d/scan");
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('h2').count()).toBeGreaterThan(0);
  });
});

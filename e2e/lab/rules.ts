/**
 * Test-only firewall rules on the lab's watch hosts (e2e/lab/README.md, .26 and .27): a named rule
 * lets one TCP port in, so a test can turn a silent host alive and back while it watches.
 * Rule names carry the process id: concurrent runs never remove each other's rules.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const LAB_SH = path.resolve(__dirname, 'lab.sh');
const run = promisify(execFile);
let seq = 0;

export type WatchHost = 'watch' | 'watchui';

/** A fresh rule name for this process: `t<pid>-<n>`. */
export function ruleName(): string {
  seq += 1;
  return `t${process.pid}-${seq}`;
}

export async function addRule(host: WatchHost, name: string, port = 80): Promise<void> {
  await run('bash', [LAB_SH, 'rule', 'add', host, name, String(port)], { timeout: 200_000 });
}

export async function deleteRule(host: WatchHost, name: string): Promise<void> {
  await run('bash', [LAB_SH, 'rule', 'del', host, name], { timeout: 200_000 });
}

export async function listRules(host: WatchHost): Promise<string[]> {
  const { stdout } = await run('bash', [LAB_SH, 'rule', 'list', host], { timeout: 200_000 });
  return stdout.split('\n').map((l) => l.replace(/\s*\{?\s*$/, '').trim()).filter(Boolean);
}

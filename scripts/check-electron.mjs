// `npm run check:electron`: Electronegativity (Doyensec) over the project; fails on any HIGH or
// MEDIUM finding. A justified exception is written at its line as `// eng-disable CHECK_ID: why`
// (the tool's own syntax). LOW findings are printed, not fatal. Runs offline (its update checks
// fail quietly).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'scanready-en-'));
const csv = path.join(tmp, 'findings.csv');
try {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'electronegativity.cjs'), '-i', root, '-r', '-e', pkg.build.electronVersion, '-o', csv], {
    cwd: root,
    encoding: 'utf8',
    timeout: 600_000,
  });
  let text;
  try {
    text = readFileSync(csv, 'utf8');
  } catch {
    process.stderr.write(`check:electron: Electronegativity wrote no report (status ${r.status}):\n${r.stdout}\n${r.stderr}\n`);
    process.exit(2);
  }
  // CSV: issue, severity, confidence, filename, location, sample, description, url
  const findings = text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const cells = [...l.matchAll(/"((?:[^"]|"")*)"|([^,]+)|(?<=,)(?=,|$)/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/""/g, '"'));
      return { id: cells[0], severity: cells[1], confidence: cells[2], file: cells[3], at: cells[4], description: cells[6] };
    });
  const serious = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
  for (const f of findings) process.stdout.write(`${f.severity.padEnd(6)} ${f.id} ${f.file}:${f.at} — ${f.description}\n`);
  process.stdout.write(`check:electron: ${findings.length} finding(s), ${serious.length} high or medium\n`);
  process.exit(serious.length === 0 ? 0 : 1);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

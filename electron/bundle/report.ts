/**
 * report.html: the bundle for a person — one self-contained page (inline CSS, no script, no
 * network, print-friendly) that any browser opens offline. Every string from outside (targets,
 * banners, remote output, advice built from them) is HTML-escaped: it is text, never markup.
 */
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import { probeLabel } from '../cli/format.js';
import type { BundleResult } from './result.js';
import type { BundleEnvironment } from './summary.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(v: string | number | boolean | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>"']/g, (c) => ESC[c] ?? c).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
}

const e = escapeHtml;
const dash = (v: string | number | boolean | null | undefined): string => (v === null || v === undefined || v === '' ? '—' : e(v));

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:2rem auto;max-width:70rem;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccd;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eef1f5}
.verdict{display:inline-block;padding:.15rem .6rem;border-radius:.3rem;font-weight:600;border:1px solid #889}
.ok{background:#e3f5e6}.bad{background:#fbe4e4}.warn{background:#fff3d6}.muted{color:#556}
pre{white-space:pre-wrap;word-break:break-word;background:#f5f6f8;border:1px solid #dde;padding:.5rem;margin:.3rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,pre{break-inside:avoid}}
`;

function verdictClass(v: string): string {
  return v === 'alive' || v === 'passed' ? 'ok' : v === 'inconclusive' || v === 'passed-insufficient' ? 'warn' : 'bad';
}

function probeTable(h: HostResult): string {
  const rows = h.probes
    .map(
      (p) =>
        `<tr><td>${e(probeLabel(p))}</td><td>${e(p.result)}${p.countsAsAlive ? ' ✓' : ''}</td><td>${dash(p.responder)}${p.responder && !p.fromTarget ? ' <span class="muted">(not the target)</span>' : ''}</td>` +
        `<td>${p.icmpType === null ? '—' : `${e(p.icmpType)}/${dash(p.icmpCode)}`}</td><td>${dash(p.ttl)}</td><td>${p.rttMs === null ? '—' : `${e(p.rttMs.toFixed(1))} ms`}</td><td>${e(p.method)}</td><td>${dash(p.detail)}</td></tr>`,
    )
    .join('\n');
  return `<table class="probes"><thead><tr><th>Probe</th><th>Answer</th><th>Responder</th><th>ICMP type/code</th><th>TTL</th><th>RTT</th><th>Method</th><th>Detail</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function hostSection(h: HostResult, heading: string): string {
  return [
    `<h2>${heading}</h2>`,
    `<dl><dt>Target</dt><dd>${e(h.target)}</dd><dt>Resolved address</dt><dd>${e(h.address)}</dd>`,
    `<dt>Verdict</dt><dd><span class="verdict ${verdictClass(h.verdict)}">${e(h.verdict)}</span></dd><dt>Reason</dt><dd>${e(h.reason)}</dd>`,
    h.aliveBy ? `<dt>Alive by</dt><dd>${e(h.aliveBy)}</dd>` : '',
    `<dt>Probes</dt><dd>${h.privileged ? 'raw sockets (privileged)' : 'unprivileged'} · profile ${e(h.profile)} · ${e(h.durationMs)} ms</dd></dl>`,
    h.warnings.length > 0 ? `<ul class="warnings">${h.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>` : '',
    '<h3>Probe matrix</h3>',
    probeTable(h),
  ].join('\n');
}

function authSection(a: AuthResult): string {
  const steps = a.steps
    .map((s) => {
      const mark = s.ok === true ? '✓' : s.ok === false ? '✗' : '–';
      const evidence = s.data && Object.keys(s.data).length > 0 ? `<pre>${e(JSON.stringify(s.data, null, 2))}</pre>` : '';
      return `<tr class="${s.ok === true ? 'ok' : s.ok === false ? 'bad' : ''}"><td>${mark}</td><td>${e(s.id)}</td><td>${e(s.summary)}${s.explanation && s.ok === false ? `<div class="muted">${e(s.explanation)}</div>` : ''}${evidence}</td></tr>`;
    })
    .join('\n');
  const listening = a.listening.length
    ? `<h3>Listening ports</h3><table><thead><tr><th>Protocol</th><th>Address</th><th>Port</th><th>Process</th><th>Not in profile</th></tr></thead><tbody>${a.listening
        .map((p) => `<tr><td>${e(p.protocol)}</td><td>${e(p.address)}</td><td>${e(p.port)}</td><td>${dash(p.process)}</td><td>${p.candidate ? 'yes' : ''}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  return [
    `<h2>Credential check: ${e(a.user)}@${e(a.host)}:${e(a.port)}</h2>`,
    `<dl><dt>Status</dt><dd><span class="verdict ${verdictClass(a.status)}">${e(a.status)}</span></dd><dt>Delegation</dt><dd>${e(a.delegation)}</dd>`,
    a.hostKey ? `<dt>Host key</dt><dd>${e(a.hostKey.algorithm)} ${e(a.hostKey.fingerprint)} (${e(a.hostKey.status)})</dd>` : '',
    '</dl>',
    `<h3>Checklist</h3><table class="checklist"><thead><tr><th></th><th>Step</th><th>Evidence</th></tr></thead><tbody>\n${steps}\n</tbody></table>`,
    listening,
    adviceSection(a.advice),
  ].join('\n');
}

function adviceSection(advice: DiagnosisResult['advice']): string {
  if (advice.length === 0) return '';
  return `<h3>Advice</h3><ol class="advice">${advice
    .map(
      (a) =>
        `<li><strong>${e(a.title)}</strong>${a.severity === 'tip' ? ' <span class="muted">(tip)</span>' : ''}<div>${e(a.why)}</div>${a.actions
          .map((act) => (act.kind === 'command' ? `<div class="muted">${e(act.label)}:</div><pre>${e(act.text)}</pre>` : `<div>${e(act.label)}: ${e(act.text)}</div>`))
          .join('')}</li>`,
    )
    .join('\n')}</ol>`;
}

function diagnosisSection(d: DiagnosisResult): string {
  const parts = [hostSection(d.discovery, `Diagnosis: ${e(d.target)}${d.resolvedFrom ? ` (${e(d.resolvedFrom)})` : ''}`)];
  if (d.path) {
    parts.push(
      `<h3>Path (${e(d.path.method)}, ${e(d.path.probe)})</h3><table class="path"><thead><tr><th>TTL</th><th>Responder</th><th>RTT</th><th>ICMP type/code</th><th>Note</th></tr></thead><tbody>${d.path.hops
        .map((h) => `<tr><td>${e(h.ttl)}</td><td>${dash(h.responder)}</td><td>${h.rttMs === null ? '—' : `${e(h.rttMs.toFixed(1))} ms`}</td><td>${h.icmpType === null ? '—' : `${e(h.icmpType)}/${dash(h.icmpCode)}`}</td><td>${e(h.note)}</td></tr>`)
        .join('')}</tbody></table>`,
    );
  }
  if (d.openPorts) {
    parts.push(
      d.openPorts.length === 0
        ? '<h3>Ports found</h3><p>None answered.</p>'
        : `<h3>Ports found</h3><table class="ports"><thead><tr><th>Protocol</th><th>Port</th><th>Answer</th><th>Service</th></tr></thead><tbody>${d.openPorts
            .map((p) => `<tr><td>${e(p.protocol)}</td><td>${e(p.port)}</td><td>${e(p.result)}</td><td>${dash(p.service)}</td></tr>`)
            .join('')}</tbody></table>`,
    );
  }
  if (d.notes && d.notes.length > 0) parts.push(`<ul class="notes">${d.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`);
  if (d.auth) parts.push(authSection({ ...d.auth, advice: [] }));
  parts.push(adviceSection(d.advice));
  return parts.join('\n');
}

export function reportHtml(result: BundleResult, env: BundleEnvironment): string {
  const targets = [...result.diagnoses.map((d) => d.target), ...result.discoveries.map((h) => h.target), ...result.auth.map((a) => a.host)];
  const title = `ScanReady report: ${targets.slice(0, 3).join(', ')}${targets.length > 3 ? ` and ${targets.length - 3} more` : ''}`;
  const body = [
    `<h1>${e(title)}</h1>`,
    `<p class="muted">Made ${e(env.time)} by ScanReady ${dash(env.scanready)} on ${e(env.platform)} ${e(env.release)} (${env.rawSockets ? 'raw sockets' : 'unprivileged'})${env.source ? ` from ${e(env.source)}` : ''}. Secrets were removed.</p>`,
    ...result.diagnoses.map(diagnosisSection),
    ...result.discoveries.map((h) => hostSection(h, `Discovery: ${e(h.target)}`)),
    ...result.auth.map(authSection),
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>${CSS}</style></head>
<body>
${body}
</body></html>
`;
}

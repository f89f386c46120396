/**
 * The Qualys scan summary as JSON: the same tree as the API's XML (`SCAN_SUMMARY_OUTPUT` →
 * `RESPONSE` → `SCAN_SUMMARY_LIST` → `SCAN_SUMMARY` → `HOST_SUMMARY`), as the API's JSON output and
 * the usual XML-to-JSON converters write it: a HOST_SUMMARY is an object with `category` (also
 * `@category` / `_category`) and its list of addresses under `#text`, `_`, `value`, `text` or
 * `content` (or a plain string when there are no attributes). Parsed whole under a cap: a summary
 * lists only the hosts that were not scanned, never findings. Walked without recursion.
 */
import type { HostSink } from './sink.js';
import { FORMAT_LIST, TriageInputError } from './types.js';

const TEXT_KEYS = ['#text', '_', 'value', 'text', 'content', '$'];

function attr(o: Record<string, unknown>, name: string): string | undefined {
  for (const k of [name, `@${name}`, `_${name}`, `-${name}`, name.toUpperCase()]) {
    const v = o[k];
    if (typeof v === 'string') return v;
  }
  const attrs = o['@attributes'] ?? o['$'];
  if (attrs !== null && typeof attrs === 'object' && typeof (attrs as Record<string, unknown>)[name] === 'string') {
    return (attrs as Record<string, string>)[name];
  }
  return undefined;
}

function listText(o: Record<string, unknown>): string | null {
  for (const k of TEXT_KEYS) {
    const v = o[k];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
  }
  return null;
}

export function readQualysJson(text: string, sink: HostSink, source: string, shown: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TriageInputError(`${shown}: not valid JSON (${(err as Error).message.slice(0, 120)})`);
  }
  let isSummary = false;
  const stack: { v: unknown; key: string }[] = [{ v: doc, key: '' }];
  let seen = 0;
  while (stack.length > 0) {
    const { v, key } = stack.pop() as { v: unknown; key: string };
    if (++seen > 50_000_000) throw new TriageInputError(`${shown}: JSON too large to walk`);
    if (v === null || typeof v !== 'object') {
      if (/^host_summary$/i.test(key) && typeof v === 'string') {
        // A HOST_SUMMARY with no attributes: no category, so it is not known to be dead.
        for (const e of v.split(/[\s,]+/)) if (e !== '') sink.add(e, { category: 'unknown', notAlive: false, format: 'qualys-summary-json', source, where: shown });
      }
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key });
      continue;
    }
    const o = v as Record<string, unknown>;
    if (/^host_summary$/i.test(key)) {
      const category = (attr(o, 'category') ?? 'unknown').toLowerCase();
      const list = listText(o);
      if (list !== null) {
        for (const e of list.split(/[\s,]+/)) {
          if (e !== '') sink.add(e, { category, notAlive: category === 'dead', format: 'qualys-summary-json', source, where: shown });
        }
        continue;
      }
    }
    const keys = Object.keys(o);
    for (const k of keys) if (/^scan_summary/i.test(k)) isSummary = true;
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string;
      stack.push({ v: o[k], key: k });
    }
  }
  if (!isSummary) {
    throw new TriageInputError(`${shown}: JSON that is not a Qualys scan summary (no SCAN_SUMMARY element); triage reads ${FORMAT_LIST}`);
  }
}

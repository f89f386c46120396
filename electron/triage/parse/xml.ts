/**
 * Streaming XML readers for Nmap `-oX` and the Qualys scan summary API, on one SAX parser (saxes)
 * that never expands entities: a document type with an internal subset (where entities are
 * declared — the "billion laughs" bomb) is refused before any element is read, and any entity
 * other than the five predefined ones is an error. Nothing but the hosts is kept.
 *
 * Followed: nmap.dtd of Nmap 7.9x (`<nmaprun>`, `<host>` → `<status state reason>`, `<address
 * addr addrtype>`; `<hosthint>` is a pre-scan hint and is ignored) and the Qualys VM API v2
 * `scan/summary` output (`SCAN_SUMMARY_OUTPUT/RESPONSE/SCAN_SUMMARY_LIST/SCAN_SUMMARY`, each with
 * `HOST_SUMMARY category="dead|excluded|cancelled|…" tracking="IP|DNS|NETBIOS"` whose text is a
 * comma-separated list of addresses and ranges).
 */
import { SaxesParser, type SaxesTag } from 'saxes';
import type { HostSink } from './sink.js';
import { FORMAT_LIST, TRIAGE_LIMITS, TriageInputError } from './types.js';

/** Which XML format the root element named. */
export type XmlKind = 'nmap-xml' | 'qualys-summary-xml';

const ROOTS: Readonly<Record<string, XmlKind>> = {
  nmaprun: 'nmap-xml',
  SCAN_SUMMARY_OUTPUT: 'qualys-summary-xml',
};

function attrOf(tag: SaxesTag, name: string): string {
  const v = (tag.attributes as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

/** Reads an XML input from `chunks` into `sink`; returns the format its root element named. */
export async function readXml(chunks: AsyncIterable<string>, sink: HostSink, source: string, shown: string): Promise<XmlKind> {
  const parser = new SaxesParser({ position: true, xmlns: false });
  let kind: XmlKind | null = null;
  let elements = 0;
  const fail = (msg: string): never => {
    throw new TriageInputError(`${shown}: ${msg}`);
  };
  parser.on('error', (err) => fail(`not well-formed XML (${err.message.replace(/^[^:]*:\d+:\d+: /, '')}, line ${parser.line})`));
  parser.on('doctype', (doctype) => {
    if (doctype.includes('[') || /<!ENTITY/i.test(doctype)) {
      fail('the XML declares its own entities (a document type with an internal subset): refused, they can expand without bound');
    }
  });

  // Nmap state
  let inHost = false;
  let hostState: { state: string; reason: string } | null = null;
  let hostAddrs: string[] = [];
  // Qualys state
  let summary: { category: string; text: string } | null = null;

  parser.on('opentag', (tag: SaxesTag) => {
    if (++elements > TRIAGE_LIMITS.maxElements) fail(`more than ${TRIAGE_LIMITS.maxElements} XML elements`);
    if (kind === null) {
      const k = ROOTS[tag.name];
      if (k === undefined) fail(`XML whose root element is <${tag.name.slice(0, 60)}> is not one of the formats triage reads (${FORMAT_LIST})`);
      kind = k as XmlKind;
      return;
    }
    if (kind === 'nmap-xml') {
      if (tag.name === 'host') {
        inHost = true;
        hostState = null;
        hostAddrs = [];
      } else if (inHost && tag.name === 'status') {
        hostState = { state: attrOf(tag, 'state'), reason: attrOf(tag, 'reason') };
      } else if (inHost && tag.name === 'address') {
        const type = attrOf(tag, 'addrtype');
        const addr = attrOf(tag, 'addr');
        if (type === 'ipv4' || type === 'ipv6') hostAddrs.push(addr);
      }
    } else if (tag.name === 'HOST_SUMMARY') {
      summary = { category: attrOf(tag, 'category').toLowerCase(), text: '' };
    }
  });
  parser.on('text', (text) => {
    if (summary !== null) {
      summary.text += text;
      if (summary.text.length > TRIAGE_LIMITS.maxText) fail(`a HOST_SUMMARY list longer than ${TRIAGE_LIMITS.maxText} characters`);
    }
  });
  parser.on('closetag', (tag) => {
    if (kind === 'nmap-xml' && tag.name === 'host' && inHost) {
      inHost = false;
      const state = hostState?.state ?? 'unknown';
      const where = `${shown} line ${parser.line}`;
      for (const a of hostAddrs) {
        sink.add(a, { category: state, notAlive: state === 'down', format: 'nmap-xml', source, where, ...(hostState?.reason ? { reason: hostState.reason } : {}) });
      }
    } else if (kind === 'qualys-summary-xml' && tag.name === 'HOST_SUMMARY' && summary !== null) {
      const { category, text } = summary;
      summary = null;
      const where = `${shown} line ${parser.line}`;
      for (const e of text.split(/[\s,]+/)) {
        if (e !== '') sink.add(e, { category: category || 'unknown', notAlive: category === 'dead', format: 'qualys-summary-xml', source, where });
      }
    }
  });

  for await (const chunk of chunks) parser.write(chunk);
  parser.close();
  if (kind === null) fail(`XML without a root element is not one of the formats triage reads (${FORMAT_LIST})`);
  return kind as unknown as XmlKind;
}

/**
 * The Qualys scan results CSV (the scan report downloaded as CSV), streamed record by record with
 * csv-parse: a 50 MB report is never held whole. What is taken:
 * - the header block before the findings table: a "Hosts not alive" (also "Dead hosts") entry,
 *   either as a label in the first cell with the list in the next cells, or as a column of a
 *   header row with the list in the same column of the row below (the "Report Summary" layout);
 * - the findings table, found by its header row (a cell "IP" beside cells such as "DNS",
 *   "NetBIOS", "QID", "IP Status"): every row whose status column says the host was not alive
 *   ("host not alive", "dead"); the other addresses are listed as `scanned` and not probed unless --all.
 * Qualys publishes no formal CSV specification; see electron/triage/README.md for what was followed.
 */
import { once } from 'node:events';
import { parse } from 'csv-parse';
import type { HostSink } from './sink.js';
import { TRIAGE_LIMITS, TriageInputError } from './types.js';

const NOT_ALIVE_LABEL = /^(hosts? not alive|dead hosts?|not alive hosts?)$/i;
const STATUS_HEADERS = /^(ip status|host status|status)$/i;
const KNOWN_HEADERS = /^(dns|netbios|os|ip status|qid|title|type|severity|port|protocol|fqdn|host status|tracking method)$/i;
const NOT_ALIVE_STATUS = /not alive|dead|down/i;

export async function readQualysCsv(chunks: AsyncIterable<string>, sink: HostSink, source: string, shown: string): Promise<void> {
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: TRIAGE_LIMITS.maxRecordBytes,
  });
  const fed: { error: Error | null } = { error: null };
  const feed = (async () => {
    for await (const c of chunks) {
      if (!parser.write(c)) await once(parser, 'drain');
    }
    parser.end();
  })().catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    fed.error = e;
    parser.destroy(e);
  });

  let ipCol = -1;
  let statusCol = -1;
  let pendingCol = -1;
  let sawHeaderList = false;
  let records = 0;
  const where = (): string => `${shown} line ${parser.info.lines}`;
  const addList = (cells: string[], line: string): void => {
    for (const cell of cells) {
      for (const e of cell.split(/[\s,;]+/)) {
        if (e !== '') sink.add(e, { category: 'not alive', notAlive: true, format: 'qualys-csv', source, where: line, reason: 'listed under "Hosts not alive" in the report' });
      }
    }
  };
  try {
    for await (const rec of parser as AsyncIterable<string[]>) {
      if (++records > TRIAGE_LIMITS.maxLines) throw new TriageInputError(`${shown}: more than ${TRIAGE_LIMITS.maxLines} CSV records; export only the hosts not alive`);
      const cells = rec.map((c) => c.trim());
      if (ipCol < 0) {
        if (pendingCol >= 0) {
          addList([cells[pendingCol] ?? ''], where());
          pendingCol = -1;
          sawHeaderList = true;
          continue;
        }
        const label = cells.findIndex((c) => NOT_ALIVE_LABEL.test(c));
        if (label === 0 && cells.length > 1 && cells.slice(1).some((c) => c !== '')) {
          addList(cells.slice(1), where());
          sawHeaderList = true;
          continue;
        }
        if (label >= 0) {
          pendingCol = label;
          continue;
        }
        const ip = cells.findIndex((c) => /^ip$/i.test(c));
        if (ip >= 0 && cells.some((c) => KNOWN_HEADERS.test(c))) {
          ipCol = ip;
          statusCol = cells.findIndex((c) => STATUS_HEADERS.test(c));
        }
        continue;
      }
      const ip = cells[ipCol] ?? '';
      if (ip === '') continue;
      const status = statusCol >= 0 ? (cells[statusCol] ?? '') : '';
      const dead = status !== '' && NOT_ALIVE_STATUS.test(status);
      sink.add(ip, { category: dead ? 'not alive' : 'scanned', notAlive: dead, format: 'qualys-csv', source, where: where(), ...(status !== '' ? { reason: status } : {}) });
    }
  } catch (err) {
    if (fed.error !== null) throw fed.error;
    if (err instanceof TriageInputError) throw err;
    throw new TriageInputError(`${shown}: not a readable CSV (${(err as Error).message.slice(0, 160)})`);
  } finally {
    parser.destroy();
  }
  await feed;
  if (fed.error !== null) throw fed.error;
  if (ipCol < 0 && !sawHeaderList) {
    throw new TriageInputError(`${shown}: a scan CSV without an IP column (no header row with "IP") and no "Hosts not alive" list`);
  }
}

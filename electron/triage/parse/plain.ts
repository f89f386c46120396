/**
 * A plain list, as `scanready discover --targets-file` reads it: addresses, ranges, CIDR and host
 * names, `#` comments, several entries per line (the one line splitter, electron/targets). Streamed
 * line by line: a list is bounded by the file cap and the line cap, not by memory.
 */
import { entriesOfLine } from '../../targets/index.js';
import type { HostSink } from './sink.js';
import { TRIAGE_LIMITS, TriageInputError } from './types.js';

export async function readPlain(chunks: AsyncIterable<string>, sink: HostSink, source: string, shown: string): Promise<void> {
  let rest = '';
  let line = 0;
  const take = (text: string): void => {
    if (++line > TRIAGE_LIMITS.maxLines) throw new TriageInputError(`${shown}: more than ${TRIAGE_LIMITS.maxLines} lines`);
    for (const e of entriesOfLine(text)) sink.add(e, { category: 'listed', notAlive: true, format: 'plain', source, where: `${shown} line ${line}` });
  };
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split(/\r?\n/);
    rest = parts.pop() ?? '';
    if (rest.length > TRIAGE_LIMITS.maxRecordBytes) throw new TriageInputError(`${shown} line ${line + 1}: a line longer than ${TRIAGE_LIMITS.maxRecordBytes} characters`);
    for (const p of parts) take(p);
  }
  if (rest !== '') take(rest);
}

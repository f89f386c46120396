/**
 * Triage input: a scanner's own output (Qualys scan summary XML/JSON, Qualys scan results CSV,
 * Nmap XML) or a plain list, the format recognised from the content. Files are read through the
 * one safe reader (electron/fsio: stat first, no special files, a size cap) as a stream; every
 * entry is checked by the one target parser (electron/targets) as it is read. Any problem is one
 * TriageInputError line; nothing is probed before every input has been read and checked.
 */
import { inertText } from '../../../shared/inertText.js';
import { streamUserFile } from '../../fsio/readUserFile.js';
import { checkTargetEntry, entriesOfLine } from '../../targets/index.js';
import { readPlain } from './plain.js';
import { readQualysCsv } from './qualysCsv.js';
import { readQualysJson } from './qualysJson.js';
import { HostSink } from './sink.js';
import { FORMAT_LIST, TRIAGE_LIMITS, TriageInputError, type InputHost, type TriageFormat } from './types.js';
import { readXml } from './xml.js';

export { FORMAT_LIST, FORMAT_NAMES, TRIAGE_LIMITS, TriageInputError, type InputHost, type TriageFormat } from './types.js';
export { HostSink } from './sink.js';

/** One input read: its name, the format recognised, hosts per category. */
export interface InputSummary {
  source: string;
  format: TriageFormat;
  /** Addresses per category in this input (`dead: 412`, `excluded: 3`). */
  categories: Record<string, number>;
}

export interface TriageInput {
  /** Every distinct host entry, in the order read (first occurrence wins). */
  hosts: InputHost[];
  inputs: InputSummary[];
}

const HEAD_CHARS = 4096;

/** Decodes byte chunks as UTF-8 (a character split across chunks is kept whole). */
async function* decode(bytes: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<string, void, undefined> {
  const dec = new TextDecoder('utf-8');
  for await (const b of bytes) {
    if (typeof b === 'string') yield b;
    else {
      const s = dec.decode(b, { stream: true });
      if (s !== '') yield s;
    }
  }
  const tail = dec.decode();
  if (tail !== '') yield tail;
}

/** Decides the format from the first characters; `null` when none matches. */
export function detectFormat(head: string): TriageFormat | 'xml' | null {
  const t = head.replace(/^\uFEFF/, '').trimStart();
  if (t === '') return 'plain';
  if (t.startsWith('<')) return 'xml';
  if (t.startsWith('{') || t.startsWith('[')) return 'qualys-summary-json';
  const lines = t.split(/\r?\n/);
  // The last line of the head may be cut in the middle: judge by a complete line when there is one.
  const complete = lines.length > 1 ? lines.slice(0, -1) : lines;
  const first = complete.find((l) => l.replace(/#.*/, '').trim() !== '') ?? lines.find((l) => l.replace(/#.*/, '').trim() !== '');
  if (first === undefined) return 'plain';
  // A plain list: every entry of its first line is an address, range, CIDR or host name (commas may separate them).
  const entries = entriesOfLine(first);
  const allTargets = entries.every((e) => {
    try {
      checkTargetEntry(e);
      return true;
    } catch {
      return false;
    }
  });
  // With commas, only address-like entries: "IP,DNS,Status" is a CSV header, not three host names.
  const addressLike = entries.every((e) => /^[0-9a-f.:/-]+$/i.test(e));
  if (allTargets && !first.includes('"') && (!first.includes(',') || addressLike)) return 'plain';
  if (first.includes(',')) return 'qualys-csv';
  return null;
}

/** Reads one input (bytes or text chunks) into `sink`; returns its format. */
export async function readInput(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, sink: HostSink, source: string): Promise<TriageFormat> {
  const shown = `"${inertText(source.length > 120 ? `${source.slice(0, 120)}…` : source)}"`;
  const it = decode(chunks)[Symbol.asyncIterator]();
  let head = '';
  let done = false;
  while (head.length < HEAD_CHARS) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    head += r.value;
  }
  const rest = async function* (): AsyncGenerator<string, void, undefined> {
    if (head !== '') yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done === true) return;
      yield r.value;
    }
  };
  const format = detectFormat(head);
  if (format === null) throw new TriageInputError(`${shown}: unknown format; triage reads ${FORMAT_LIST}`);
  switch (format) {
    case 'xml':
      return readXml(rest(), sink, source, shown);
    case 'qualys-summary-json': {
      let text = '';
      for await (const c of rest()) {
        text += c;
        if (text.length > TRIAGE_LIMITS.maxJsonBytes) {
          throw new TriageInputError(`${shown}: a JSON scan summary larger than ${TRIAGE_LIMITS.maxJsonBytes / 1024 / 1024} MiB`);
        }
      }
      readQualysJson(text, sink, source, shown);
      return format;
    }
    case 'qualys-csv':
      await readQualysCsv(rest(), sink, source, shown);
      return format;
    case 'plain':
      await readPlain(rest(), sink, source, shown);
      return format;
  }
  return format;
}

function* oneChunk(text: string): Generator<string, void, undefined> {
  // Pasted text in pieces, so the stream readers see what a file gives them.
  for (let i = 0; i < text.length; i += 256 * 1024) yield text.slice(i, i + 256 * 1024);
}

function summarise(sink: HostSink, source: string, format: TriageFormat): InputSummary {
  const categories: Record<string, number> = {};
  for (const [key, n] of sink.counts) {
    const [category, src] = key.split('\u0000') as [string, string];
    if (src === source) categories[category] = (categories[category] ?? 0) + n;
  }
  return { source, format, categories };
}

/**
 * Reads every file (and pasted texts, as `{ name, text }`) into one host list. Throws
 * TriageInputError (or the reader's UserFileError, also `code: 'bad-input'`) on the first problem.
 */
export async function readTriageInputs(
  files: readonly string[],
  texts: readonly { name: string; text: string }[] = [],
): Promise<TriageInput> {
  const sink = new HostSink();
  const inputs: InputSummary[] = [];
  for (const f of files) {
    const format = await readInput(streamUserFile(f, 'scan-output'), sink, f);
    inputs.push(summarise(sink, f, format));
  }
  for (const t of texts) {
    const format = await readInput(oneChunk(t.text), sink, t.name);
    inputs.push(summarise(sink, t.name, format));
  }
  return { hosts: [...sink.hosts.values()], inputs };
}

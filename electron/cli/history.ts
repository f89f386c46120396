/**
 * `scanready history` — search the runs stored by the app, web mode and the CLI (one SQLite
 * database in the data directory), and `scanready history show ID` to print one again.
 */
import type { Command } from 'commander';
import type { HistorySummary } from '../../shared/ipc.js';
import { HISTORY_KINDS } from '../../shared/requests.js';
import { HistoryStore, MAX_LIST, parseWhen, type HistoryQuery } from '../history/index.js';
import { defaultUserDataDir } from '../service/paths.js';
import { formatSummary } from './auth.js';
import { action, CliError, EXIT, intOption } from './common.js';
import { formatDiagnosis } from './diagnose.js';
import { colourEnabled, formatHost, formatHostLine, makeStyle, table } from './format.js';

interface HistoryCliOptions {
  target?: string;
  kind?: string;
  verdict?: string;
  profile?: string;
  since?: string;
  until?: string;
  pinned?: boolean;
  limit: number;
  json?: boolean;
}

function openStore(): HistoryStore {
  return new HistoryStore(defaultUserDataDir());
}

/** `2026-12-02 10:04` in UTC: unambiguous in every locale. */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

function statusOf(s: HistorySummary): string {
  if (s.kind === 'discovery' && s.hosts && s.hosts.total !== 1) return `${s.hosts.alive}/${s.hosts.total} alive`;
  return [s.verdict, s.authStatus].filter(Boolean).join(' / ') || '—';
}

/** Options, action and the `show` subcommand of `scanready history` (name: commands.ts). */
export function defineHistory(history: Command): void {
  history
    .option('--target <text>', 'runs whose target contains TEXT')
    .option('--kind <kind>', `one of ${HISTORY_KINDS.join(', ')}`)
    .option('--verdict <verdict>', 'a verdict (not-alive, alive, …) or credential status (failed, passed, …)')
    .option('--profile <name>', 'runs made with this discovery profile')
    .option('--since <when>', 'runs at or after WHEN: 2026-12-01, an ISO time, or 7d / 12h ago')
    .option('--until <when>', 'runs before WHEN')
    .option('--pinned', 'only pinned runs')
    .option('--limit <n>', 'at most N runs', intOption('--limit', 1, MAX_LIST), 50)
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(
      action((opts: HistoryCliOptions) => {
        if (opts.kind !== undefined && !(HISTORY_KINDS as readonly string[]).includes(opts.kind)) {
          throw new CliError(`--kind must be one of ${HISTORY_KINDS.join(', ')}`);
        }
        if (opts.verdict !== undefined && !/^[a-z-]{1,40}$/.test(opts.verdict)) throw new CliError('--verdict: letters and dashes only (e.g. not-alive)');
        const query: HistoryQuery = { limit: opts.limit };
        if (opts.target) query.target = opts.target;
        if (opts.kind) query.kind = opts.kind as HistoryQuery['kind'];
        if (opts.verdict) query.verdict = opts.verdict;
        if (opts.profile) query.profile = opts.profile;
        // Validate dates before opening anything.
        for (const k of ['since', 'until'] as const) {
          const v = opts[k];
          if (v === undefined) continue;
          try {
            parseWhen(v, `--${k}`);
          } catch (err) {
            throw new CliError((err as Error).message);
          }
          query[k] = v;
        }
        if (opts.pinned) query.pinned = true;
        const store = openStore();
        try {
          const runs = store.list(query);
          for (const n of store.notices) process.stderr.write(`scanready: ${n}\n`);
          if (opts.json) {
            for (const r of runs) process.stdout.write(`${JSON.stringify(r)}\n`);
            return EXIT.ok;
          }
          if (runs.length === 0) {
            process.stdout.write('No stored runs match.\n');
            return EXIT.ok;
          }
          const style = makeStyle(colourEnabled(process.stdout));
          const rows = [['ID', 'WHEN (UTC)', 'KIND', 'TARGET', 'PROFILE', 'RESULT'].map((h) => style.bold(h))];
          for (const r of runs) {
            rows.push([r.id + (r.pinned ? ' *' : ''), when(r.createdAt), r.kind, r.target.slice(0, 48), r.profile ?? '—', statusOf(r) + (r.interrupted ? ' (interrupted)' : '')]);
          }
          process.stdout.write(`${table(rows)}\n`);
          return EXIT.ok;
        } finally {
          store.close();
        }
      }),
    );

  history
    .command('show <id>')
    .description('print one stored run again, as the command that made it printed it')
    .option('--json', 'the stored result as one JSON object')
    .action(
      action((id: string, opts: { json?: boolean }) => {
        if (!/^[A-Za-z0-9-]{1,80}$/.test(id)) throw new CliError('a history id is letters, digits and dashes (see `scanready history`)');
        const store = openStore();
        try {
          const entry = store.get(id);
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(entry)}\n`);
            return EXIT.ok;
          }
          const style = makeStyle(colourEnabled(process.stdout));
          const head = `${style.bold(entry.summary.kind)} of ${entry.summary.target}, ${when(entry.summary.createdAt)}${entry.summary.profile ? `, profile ${entry.summary.profile}` : ''}\n\n`;
          let body: string;
          if (entry.kind === 'diagnosis') body = formatDiagnosis(entry.result, style, 10);
          else if (entry.kind === 'auth') body = formatSummary(entry.result, style);
          else {
            const hosts = entry.result.hosts;
            body = hosts.length === 1 ? formatHost(hosts[0]!, style) : hosts.map((h) => formatHostLine(h, style)).join('\n');
          }
          process.stdout.write(`${head}${body}\n`);
          return EXIT.ok;
        } catch (err) {
          if ((err as { code?: unknown }).code === 'not-found') throw new CliError(`no stored run ${id} (see \`scanready history\`)`, EXIT.notOk);
          throw err;
        } finally {
          store.close();
        }
      }),
    );
}

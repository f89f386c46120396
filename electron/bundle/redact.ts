/**
 * Redaction for debug bundles: what leaves this machine for a vendor's support must not carry
 * passwords, passphrases, private keys or tokens, wherever they hide.
 *
 * - Values of keys named like a secret (password, passphrase, privateKey, secret, token,
 *   delegationPassword, apiKey, authorization; any case, `_`/`-` ignored) are replaced with
 *   `[REDACTED]`. Booleans and null stay: `passwordSent: true` is evidence, not a secret.
 * - In every string, anywhere: PEM / OpenSSH / PuTTY private key blocks, `token=...`-style
 *   query parameters (and password=, secret=, ...), the password in `scheme://user:pass@host`,
 *   and `Bearer ...` credentials.
 * - Literal secret values the caller knows (the password it read from the environment) are
 *   replaced wherever they occur, e.g. echoed back by a hostile host into a step's output.
 */

export const REDACTED = '[REDACTED]';
export const REDACTED_KEY = '[REDACTED PRIVATE KEY]';

/** Literal secrets shorter than this are not searched for (a 2-character match would shred the text). */
export const MIN_LITERAL_SECRET = 4;

const SECRET_KEY_PARTS = ['password', 'passphrase', 'privatekey', 'secret', 'token', 'apikey', 'authorization'];

/** True for object keys whose values are secrets: `password`, `delegationPassword`, `PRIVATE_KEY`, `x-api-key`, ... */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY_PARTS.some((p) => k.includes(p));
}

// A complete block, or a truncated one (BEGIN without END) up to the end of the string.
const PEM_RE = /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*?PRIVATE KEY( BLOCK)?-----|$)/g;
const PUTTY_RE = /PuTTY-User-Key-File-\d+:[\s\S]*?(?:Private-(?:MAC|Hash):\s*[0-9a-fA-F]+|$)/g;
// name=value where the name looks secret: query strings, form bodies, `key=value` logs.
const PARAM_RE = /((?:^|[^A-Za-z0-9])[A-Za-z0-9_.-]*?(?:token|password|passwd|passphrase|secret|api[_-]?key|access[_-]?key)[A-Za-z0-9_-]*=)([^&\s#"'<>;,]+)/gi;
// scheme://user:password@host
const USERINFO_RE = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]+:)([^@/?#\s]+)(@)/gi;
const BEARER_RE = /\b(Bearer\s+|Authorization:\s*Basic\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

export interface RedactOptions {
  /** Literal secret values to remove wherever they occur (at least MIN_LITERAL_SECRET characters). */
  secrets?: readonly (string | undefined | null)[];
}

/** Normalised literal secrets: long enough, longest first (so a secret containing another goes first). */
function literalSecrets(opts?: RedactOptions): string[] {
  const out = new Set<string>();
  for (const s of opts?.secrets ?? []) {
    if (typeof s !== 'string' || s.length < MIN_LITERAL_SECRET) continue;
    out.add(s);
    // A PEM key pasted as one value also appears line by line elsewhere; its base64 lines are long enough to match.
    if (s.includes('\n')) for (const line of s.split(/\r?\n/)) if (line.trim().length >= 16) out.add(line.trim());
  }
  return [...out].sort((a, b) => b.length - a.length);
}

function redactStringWith(s: string, literals: readonly string[]): string {
  // Key blocks first (the more telling label), then the literals, then the patterns.
  let out = s.replace(PEM_RE, REDACTED_KEY).replace(PUTTY_RE, REDACTED_KEY);
  for (const lit of literals) if (out.includes(lit)) out = out.split(lit).join(REDACTED);
  out = out.replace(USERINFO_RE, `$1${REDACTED}$3`);
  out = out.replace(PARAM_RE, `$1${REDACTED}`);
  out = out.replace(BEARER_RE, `$1${REDACTED}`);
  return out;
}

/** Redacts secrets inside one string (key blocks, token= parameters, URL passwords, known literals). */
export function redactString(s: string, opts?: RedactOptions): string {
  return redactStringWith(s, literalSecrets(opts));
}

/**
 * A deep copy of `value` with secrets removed. Plain data only (what JSON can carry): functions
 * and symbols are dropped, Dates become ISO strings, cycles become "[circular]".
 */
export function redact<T>(value: T, opts?: RedactOptions): T {
  const literals = literalSecrets(opts);
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactStringWith(v, literals);
    if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
    if (v instanceof Date) return v.toISOString();
    if (depth > 100) return '[too deep]';
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x) => walk(x, depth + 1) ?? null);
    else {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (isSecretKey(k) && x !== null && x !== undefined && typeof x !== 'boolean') {
          o[k] = REDACTED;
          continue;
        }
        const w = walk(x, depth + 1);
        if (w !== undefined) o[k] = w;
      }
      out = o;
    }
    seen.delete(v);
    return out;
  };
  return walk(value, 0) as T;
}

/**
 * A command line with secret-bearing option values replaced: `--password x`, `--token=x`,
 * `--api-key x`. Options that name an environment variable (`--password-env VAR`) keep the
 * name (never the variable's value). Every argument also goes through redactString.
 */
export function redactArgv(argv: readonly string[], opts?: RedactOptions): string[] {
  const literals = literalSecrets(opts);
  const secretOption = (name: string): boolean => /^--?[A-Za-z]/.test(name) && isSecretKey(name) && !/-env$/i.test(name);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0 && secretOption(arg.slice(0, eq))) {
      out.push(`${arg.slice(0, eq)}=${REDACTED}`);
      continue;
    }
    if (arg.startsWith('-') && eq < 0 && secretOption(arg)) {
      out.push(arg);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        out.push(REDACTED);
        i++;
      }
      continue;
    }
    out.push(redactStringWith(arg, literals));
  }
  return out;
}

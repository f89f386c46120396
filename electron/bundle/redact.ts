/**
 * Redaction: what ScanReady stores (history), shows (pushes to the UI / web mode) or sends away
 * (debug bundles) must not carry passwords, passphrases, private keys, tokens or the operator's
 * custom delegation template, wherever they hide. The one implementation: every call site uses it.
 *
 * 1. Key names. Values under keys named like a secret are replaced with `[REDACTED]` (any case;
 *    camelCase, snake_case, kebab-case): password, passwd, pwd, pass, passphrase, secret, token,
 *    credential(s), cookie, psk, authorization, private/priv/api/access/secret key, delegation
 *    command. Booleans and null stay (`passwordSent: true` is evidence, not a secret). Not secret:
 *    `passed`, `bypass`, `hostKey`, `publicKey`, `key` (a file path), `keyProblem`, and sudo's /
 *    doas's `nopasswd` / `nopass` rule lists (evidence of the host's configuration).
 * 2. Free text, in every string: `name: value`, `name=value`, `"name": "value"` (JSON inside a
 *    string, also JSON-escaped once more) when `name` is a secret key name by rule 1; a string that
 *    is a whole JSON document is parsed and redacted by rule 1; `Cookie:` / `Authorization:` header
 *    lines to their end; `Bearer` / `Basic` credentials; the password in `scheme://user:pw@host`;
 *    PEM / OpenSSH / PuTTY / SSH2 private key blocks in any letter case and dash count, and an
 *    OpenSSH key body without its armour (`b3BlbnNzaC1rZXktdjE...`). Values that are plainly
 *    not secrets (`yes`, `no`, `true`, `false`, `none`, `null`) are kept: `PasswordAuthentication=no`.
 * 3. Known secrets (the password, passphrase, delegation password and key the caller was given)
 *    in plain, reversed, base64 (standard and url, padded or not, and at every byte alignment so
 *    the secret inside a longer base64 text such as `Basic base64(user:pw)` is found), hex (both
 *    cases), URL-encoded (component, every-byte, form) and JSON-escaped forms.
 *    - Four characters or longer: every occurrence, anywhere.
 *    - One to three characters (THE DECISION): replacing every `7` or `ab` would destroy the text
 *      (`uid=0(root)`, `exit 1`), so a short secret is removed only where it is evidence of a leak:
 *      (a) a line (or a whole string) that is exactly one of its forms — an echo; (b) a whole token
 *      after a secret word on the same line (`password: ab`, `your pass is ab`); (c) a whole token
 *      that is one of its encoded forms of four characters or more (base64 `YWI=`, hex `6162`).
 *      Rule 1 and 2 still remove it under any secret key name.
 * 4. A custom delegation template (`delegationCommand`) is the operator's own shell line and may
 *    embed a password (`echo pw | sudo -S {cmd}`): the template is removed wherever it appears,
 *    and so is each of its parts around `{cmd}` of 8 characters or more (which is how it appears
 *    in a command that ran); shorter parts (`sudo`, `su -c`) are ordinary words and stay.
 */

export const REDACTED = '[REDACTED]';
export const REDACTED_KEY = '[REDACTED PRIVATE KEY]';

/** Literal secrets shorter than this are removed only in context (see rule 3 above). */
export const MIN_LITERAL_SECRET = 4;
/** Parts of a custom delegation template shorter than this (trimmed) are not searched for. */
export const MIN_TEMPLATE_PART = 8;

/** Words that make a key secret on their own (after splitting camel/snake/kebab case). */
const SECRET_WORDS = new Set([
  'password', 'passwords', 'passwd', 'pwd', 'pass', 'pw', 'passphrase', 'secret', 'secrets', 'token', 'tokens',
  'credential', 'credentials', 'cred', 'creds', 'cookie', 'cookies', 'psk', 'authorization', 'privkey', 'privatekey', 'apikey',
]);
/** Substrings of the joined lower-case key that make it secret (`userpassword`, `x-auth-token`, `sshPrivateKey`). */
const SECRET_PARTS = ['password', 'passwd', 'passphrase', 'privatekey', 'privkey', 'secret', 'credential', 'cookie', 'apikey', 'accesskey', 'authorization', 'token', 'delegationcommand'];
/** Words before `key` that make it key material: `private_key`, `apiKey`, `accessKey`, `secretKey`. */
const KEY_MATERIAL = new Set(['private', 'priv', 'api', 'access', 'secret', 'signing', 'encryption']);
/** Joined keys that look secret but hold evidence: sudo's NOPASSWD rules, doas's nopass, sshd's option. */
const EVIDENCE_KEYS = new Set(['nopasswd', 'nopass', 'passwordauthentication', 'permitemptypasswords']);

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** True for keys whose values are secrets: `password`, `delegationPassword`, `PRIVATE_KEY`, `x-api-key`, `wifiPSK`, `pwd`, ... */
export function isSecretKey(key: string): boolean {
  // sudo's NOPASSWD / doas's nopass name rules, not secrets (`grant-nopasswd`, `nopasswdRules`).
  const words = keyWords(key).filter((w) => w !== 'nopasswd' && w !== 'nopass');
  const joined = words.join('');
  if (joined === '' || EVIDENCE_KEYS.has(joined)) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  if (SECRET_PARTS.some((p) => joined.includes(p))) return true;
  return words.some((w, i) => w === 'key' && i > 0 && KEY_MATERIAL.has(words[i - 1] ?? ''));
}

// ---- patterns in free text -------------------------------------------------------------------

const ARMOUR = '[A-Za-z0-9 ]*?PRIVATE[ \\t]+KEY(?:[ \\t]+BLOCK)?[ \\t]*-{3,}';
// A complete block, or a truncated one (BEGIN without END) up to the end of the string. Any case, 3+ dashes.
const PEM_RE = new RegExp(`-{3,}[ \\t]*BEGIN[ \\t]+${ARMOUR}[\\s\\S]*?(?:-{3,}[ \\t]*END[ \\t]+${ARMOUR}|$)`, 'gi');
const PUTTY_RE = /PuTTY-User-Key-File-\d+:[\s\S]*?(?:Private-(?:MAC|Hash):\s*[0-9a-fA-F]+|$)/gi;
// An OpenSSH private key body without its armour ("openssh-key-v1" in base64), line by line.
const OPENSSH_BODY_RE = /b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/=]*(?:(?:\r?\n|\\r?\\n)[A-Za-z0-9+/=]{16,})*/g;
// name<sep>value: quotes around the name optional (JSON, also JSON-escaped once more), `:` or `=`.
// The value sits in a lookahead so a name that is not secret (`http:`) consumes nothing after its separator.
const KV_RE = /(?<![A-Za-z0-9_.-])(\\*["']?)([A-Za-z][A-Za-z0-9_.-]{0,62})(\\*["']?)([ \t]*[:=][ \t]*)(?=(\\*"(?:\\.|[^"\\\n])*?\\*"|'[^'\n]*'|(?![{[])[^\s"'&#;,<>]+))/g;
const COOKIE_HEADER_RE = /^([ \t]*(?:set-)?cookie[ \t]*:[ \t]*)\S[^\n]*/gim;
const AUTH_HEADER_RE = /^([ \t]*(?:proxy-)?authorization[ \t]*:[ \t]*(?:(?:Bearer|Basic|Digest|Negotiate|NTLM)[ \t]+)?)\S[^\n]*/gim;
// scheme://user:password@host
const USERINFO_RE = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]+:)([^@/?#\s]+)(@)/gi;
const BEARER_RE = /\b(Bearer\s+|Authorization:\s*Basic\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const PLAIN_VALUES = new Set(['yes', 'no', 'true', 'false', 'none', 'null', 'on', 'off', 'required', 'optional', 'without-password', 'prohibit-password', 'bearer', 'basic', 'digest', 'negotiate', 'ntlm']);
// Words after which a short secret on the same line is a leak.
const SECRET_WORD_RE = /pass(?:word|wd|phrase)?|pwd|secret|token|psk|credential|cookie|key/i;

/** Replaces the value of every `name<sep>value` whose name is a secret key name. */
function replaceKv(s: string): string {
  const re = new RegExp(KV_RE.source, 'g');
  let out = '';
  let last = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const [head, q1 = '', name = '', q2 = '', sep = '', value = ''] = m;
    if (!isSecretKey(name)) continue;
    // Quotes must pair up (`"name": ...` or `name: ...`), or this is not a key.
    if (q2 !== '' && q1.replace(/\\/g, '') !== q2.replace(/\\/g, '')) continue;
    const v = /^(\\*["']?)([\s\S]*?)(\\*["']?)$/.exec(value);
    const open = v?.[1] ?? '';
    const inner = v?.[2] ?? value;
    const close = v?.[3] ?? '';
    if (inner === '' || inner.startsWith('[REDACTED') || PLAIN_VALUES.has(inner.toLowerCase())) continue;
    out += `${s.slice(last, m.index)}${q1}${name}${q2}${sep}${open}${REDACTED}${close}`;
    last = m.index + head.length + value.length;
    re.lastIndex = last;
  }
  return last === 0 ? s : out + s.slice(last);
}

// ---- known secrets and their encodings -------------------------------------------------------

export interface RedactOptions {
  /** Secret values to remove wherever they occur, in every encoding (see the header). */
  secrets?: readonly (string | undefined | null)[];
  /** Custom delegation templates to remove (rule 4). */
  templates?: readonly (string | undefined | null)[];
}

interface Literals {
  /** Forms searched everywhere, longest first. */
  long: string[];
  /** Forms of short secrets (rule 3a–c). */
  short: { forms: string[] }[];
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
const toUrl64 = (b64: string): string => b64.replace(/\+/g, '-').replace(/\//g, '_');
const toHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Every form a secret may take in output: plain, reversed, base64(url), hex, URL-encoded, JSON-escaped. */
export function secretForms(secret: string): string[] {
  const bytes = utf8(secret);
  const b64 = toBase64(bytes);
  const hex = toHex(bytes);
  const everyByte = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const comp = encodeURIComponent(secret);
  const forms = [
    secret,
    [...secret].reverse().join(''),
    b64,
    b64.replace(/=+$/, ''),
    toUrl64(b64),
    toUrl64(b64).replace(/=+$/, ''),
    hex,
    hex.toUpperCase(),
    comp,
    comp.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    comp.replace(/%20/g, '+'),
    everyByte,
    everyByte.toUpperCase(),
    JSON.stringify(secret).slice(1, -1),
  ];
  // The secret inside a longer base64 text: the characters that depend only on it, at each alignment.
  for (let k = 1; k <= 2; k++) {
    const padded = new Uint8Array(k + bytes.length);
    padded.set(bytes, k);
    const enc = toBase64(padded);
    const core = enc.slice(Math.ceil((k * 8) / 6), Math.floor(((k + bytes.length) * 8) / 6));
    if (core.length >= 8) forms.push(core, toUrl64(core));
  }
  const k0 = b64.slice(0, Math.floor((bytes.length * 8) / 6));
  if (k0.length >= 8) forms.push(k0, toUrl64(k0));
  return [...new Set(forms)].filter((f) => f !== '');
}

function literalsOf(opts?: RedactOptions): Literals {
  const long = new Set<string>();
  const short: { forms: string[] }[] = [];
  for (const s of opts?.secrets ?? []) {
    if (typeof s !== 'string' || s === '') continue;
    if (s.length < MIN_LITERAL_SECRET) {
      short.push({ forms: secretForms(s) });
      continue;
    }
    for (const f of secretForms(s)) long.add(f);
    // A PEM key pasted as one value also appears line by line elsewhere; its base64 lines are long enough to match.
    if (s.includes('\n')) for (const line of s.split(/\r?\n/)) if (line.trim().length >= 16) long.add(line.trim());
  }
  for (const t of opts?.templates ?? []) {
    if (typeof t !== 'string' || t.trim() === '') continue;
    long.add(t);
    long.add(JSON.stringify(t).slice(1, -1));
    for (const part of t.split('{cmd}')) if (part.trim().length >= MIN_TEMPLATE_PART) long.add(part.trim());
  }
  return { long: [...long].sort((a, b) => b.length - a.length), short };
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TOKEN_L = '(?<![A-Za-z0-9+/=_%.-])';
const TOKEN_R = '(?![A-Za-z0-9+/=_%-])';

function redactShort(s: string, forms: readonly string[]): string {
  const alts = forms.map(escapeRe).join('|');
  const token = new RegExp(`${TOKEN_L}(?:${alts})${TOKEN_R}`, 'g');
  const lines = s.split('\n').map((line) => {
    const trimmed = line.trim();
    if (trimmed !== '' && forms.includes(trimmed)) return line.replace(trimmed, REDACTED); // (a) an echo
    const word = SECRET_WORD_RE.exec(line);
    if (word) {
      // (b) a whole token after a secret word on this line
      const at = word.index + word[0].length;
      line = line.slice(0, at) + line.slice(at).replace(token, REDACTED);
    }
    return line;
  });
  let out = lines.join('\n');
  const longForms = forms.filter((f) => f.length >= 4);
  if (longForms.length > 0) out = out.replace(new RegExp(`${TOKEN_L}(?:${longForms.map(escapeRe).join('|')})${TOKEN_R}`, 'g'), REDACTED); // (c)
  return out;
}

function redactStringWith(s: string, lit: Literals, depth = 0): string {
  if (s === '') return s;
  // Key blocks first (the more telling label), then the literals, then the patterns.
  let out = s;
  if (/-{3}|PuTTY|b3BlbnNzaC1rZXktdjE/i.test(out)) out = out.replace(PEM_RE, REDACTED_KEY).replace(PUTTY_RE, REDACTED_KEY).replace(OPENSSH_BODY_RE, REDACTED_KEY);
  for (const f of lit.long) if (out.includes(f)) out = out.split(f).join(REDACTED);
  for (const { forms } of lit.short) out = redactShort(out, forms);
  const t = out.trim();
  if (depth < 3 && t.length >= 2 && t.length <= 1024 * 1024 && ((t[0] === '{' && t.endsWith('}')) || (t[0] === '[' && t.endsWith(']')))) {
    // A whole JSON document inside a string: redact it by structure (arrays under secret keys too).
    try {
      const parsed: unknown = JSON.parse(t);
      const clean = redactValue(parsed, lit, depth + 1);
      if (JSON.stringify(clean) !== JSON.stringify(parsed)) return JSON.stringify(clean);
    } catch {
      // not JSON: the text rules below apply
    }
  }
  if (/[:=]/.test(out)) {
    out = out.replace(COOKIE_HEADER_RE, `$1${REDACTED}`).replace(AUTH_HEADER_RE, `$1${REDACTED}`);
    out = out.replace(USERINFO_RE, `$1${REDACTED}$3`);
    out = replaceKv(out);
  }
  out = out.replace(BEARER_RE, `$1${REDACTED}`);
  return out;
}

function redactValue(value: unknown, lit: Literals, strDepth = 0): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactStringWith(v, lit, strDepth);
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
  return walk(value, 0);
}

/** Redacts secrets inside one string (key blocks, secret `name=value`, URL passwords, known secrets in any encoding). */
export function redactString(s: string, opts?: RedactOptions): string {
  return redactStringWith(s, literalsOf(opts));
}

/**
 * A deep copy of `value` with secrets removed. Plain data only (what JSON can carry): functions
 * and symbols are dropped, Dates become ISO strings, cycles become "[circular]".
 */
export function redact<T>(value: T, opts?: RedactOptions): T {
  return redactValue(value, literalsOf(opts)) as T;
}

/** A redactor with its secrets prepared once (for a stream of events from one run). */
export function redactor(opts?: RedactOptions): { value<T>(v: T): T; text(s: string): string } {
  const lit = literalsOf(opts);
  return { value: <T>(v: T): T => redactValue(v, lit) as T, text: (s: string) => redactStringWith(s, lit) };
}

/** The secrets and template of a credential request (AuthRequest-shaped), for RedactOptions. */
export function requestSecrets(req: { password?: string | undefined; passphrase?: string | undefined; privateKey?: string | undefined; delegationPassword?: string | undefined; delegationCommand?: string | undefined } | null | undefined): RedactOptions {
  if (!req) return {};
  return { secrets: [req.password, req.passphrase, req.delegationPassword, req.privateKey], templates: [req.delegationCommand] };
}

/**
 * A command line with secret-bearing option values replaced: `--password x`, `--token=x`,
 * `--api-key x`, `--delegation-command 'tmpl'`. Options that name an environment variable
 * (`--password-env VAR`) keep the name (never the variable's value). Every argument also goes
 * through redactString.
 */
export function redactArgv(argv: readonly string[], opts?: RedactOptions): string[] {
  const lit = literalsOf(opts);
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
    out.push(redactStringWith(arg, lit));
  }
  return out;
}

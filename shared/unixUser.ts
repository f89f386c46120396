/**
 * What a scan account's name may be. Unix account names never contain control characters or line
 * breaks (useradd, adduser, LDAP/SSSD all refuse them); such a name can only be a mistake or an
 * attack — a newline in a name would add a line to a generated sudoers file. Refused at input: the
 * CLI options, the request schemas (so the app and web mode too; the zod field `unixUserSchema` is in
 * shared/auth.ts, so this file stays free of zod for the CLI's start-up path). Everything else (quotes, `$()`,
 * spaces, unicode, a leading dash) is allowed here and made inert by shared/shell.ts quoting.
 */
export const UNIX_USER_MAX = 128;

/** C0 and C1 control characters, DEL, and the Unicode line / paragraph separators. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** Why this cannot be a Unix account name (one line, without echoing the name), or null when it can. */
export function unixUserProblem(name: string): string | null {
  if (name.length === 0) return 'the user name is empty';
  if (name.length > UNIX_USER_MAX) return `the user name is longer than ${UNIX_USER_MAX} characters`;
  const m = FORBIDDEN.exec(name);
  if (m) {
    const cp = m[0].codePointAt(0) ?? 0;
    const what = cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029 ? 'a line break' : 'a control character';
    return `the user name contains ${what} (U+${cp.toString(16).toUpperCase().padStart(4, '0')} at position ${m.index + 1}); no Unix account has one`;
  }
  return null;
}

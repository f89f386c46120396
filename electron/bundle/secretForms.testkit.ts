/**
 * For the leak tests only: the encodings a hostile host (or a careless writer) may put a secret in,
 * computed independently of the redactor (redact.ts), so a test never checks the redactor with itself.
 */
export function encodedForms(s: string): string[] {
  const b = Buffer.from(s, 'utf8');
  return [
    ...new Set([
      s,
      [...s].reverse().join(''),
      b.toString('base64'),
      b.toString('base64').replace(/=+$/, ''),
      b.toString('base64url'),
      b.toString('hex'),
      b.toString('hex').toUpperCase(),
      encodeURIComponent(s),
      [...b].map((x) => `%${x.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
      JSON.stringify(s).slice(1, -1),
    ]),
  ];
}

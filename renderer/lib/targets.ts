/** One entry per line or comma; `#` starts a comment (same as a targets file). */
export function parseTargetsText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(/[,\s]+/))
    .map((s) => s.trim())
    .filter(Boolean);
}

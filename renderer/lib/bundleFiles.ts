/** Pure helpers for bundle files in the UI (downloads, uploads, drops): tested without a browser. */

/** Bytes → base64 (chunked: a multi-megabyte file must not overflow the call stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The largest file the page sends (base64 grows it by a third; web mode's request cap is 8 MiB). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** Why a dropped / chosen file is refused before it is sent, or null. The engine checks everything again. */
export function uploadProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return `${file.name} is empty: not a ScanReady bundle`;
  if (file.size > MAX_UPLOAD_BYTES) return `${file.name} is ${(file.size / (1024 * 1024)).toFixed(1)} MB: the page sends bundles up to ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB (use \`scanready show\` for larger ones)`;
  return null;
}

/** The .zip files among dropped files (a drop of anything else is ignored, not an error). */
export function droppedBundles<F extends { name: string }>(files: readonly F[]): F[] {
  return files.filter((f) => /\.zip$/i.test(f.name));
}

// Renders the app icon set from build/icon.svg (the only icon file kept in git) for electron-builder:
//   build/icons/<N>x<N>.png  Linux (AppImage, deb: hicolor sizes)
//   build/icon.png           1024 px master
//   build/icon.icns          macOS (dmg)
//   build/icon.ico           Windows (NSIS)
// Run by `npm run dist` (and `npm run icons`). Rasterised with resvg, packed with png2icons.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

export function renderPng(svg, size) {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng());
}

/** Writes every icon file into `buildDir` (default build/); returns the paths written. */
export function generateIcons(buildDir = path.join(root, 'build')) {
  const svg = readFileSync(path.join(buildDir, 'icon.svg'));
  const written = [];
  const write = (file, data) => {
    if (!data || data.length === 0) throw new Error(`icon generation produced nothing for ${file}`);
    writeFileSync(file, data);
    written.push(file);
  };
  mkdirSync(path.join(buildDir, 'icons'), { recursive: true });
  for (const size of LINUX_SIZES) write(path.join(buildDir, 'icons', `${size}x${size}.png`), renderPng(svg, size));
  const master = renderPng(svg, 1024);
  write(path.join(buildDir, 'icon.png'), master);
  write(path.join(buildDir, 'icon.icns'), png2icons.createICNS(master, png2icons.BICUBIC, 0));
  // ICO: PNG-compressed entries up to 256 px (Vista and later).
  write(path.join(buildDir, 'icon.ico'), png2icons.createICO(master, png2icons.BICUBIC, 0, true, true));
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = generateIcons();
  process.stderr.write(`icons: ${files.map((f) => path.relative(root, f)).join(', ')}\n`);
}

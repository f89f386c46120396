/** Remembered window size and position, kept on screen when displays change. Plain Node. */
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from '../service/atomic.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1200, height: 820 };
export const MIN_SIZE = { width: 720, height: 520 };

const stateSchema = z.object({
  bounds: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(1), height: z.number().int().min(1) }),
  maximized: z.boolean(),
});

export function windowStateFile(userDataDir: string): string {
  return path.join(userDataDir, 'window-state.json');
}

export async function loadWindowState(userDataDir: string): Promise<WindowState | null> {
  const read = await readJsonFile(windowStateFile(userDataDir)).catch(() => null);
  if (read?.state !== 'ok') return null;
  const parsed = stateSchema.safeParse(read.value);
  return parsed.success ? parsed.data : null;
}

export async function saveWindowState(userDataDir: string, state: WindowState): Promise<void> {
  await writeJsonAtomic(windowStateFile(userDataDir), state);
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Where to open the window: the saved bounds if enough of them is on a current display
 * (clamped to that display's work area), else the default size centred by the OS (no x/y).
 */
export function placeWindow(saved: WindowState | null, workAreas: Rect[]): { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean } {
  if (!saved) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const b = saved.bounds;
  let best: Rect | null = null;
  let bestArea = 0;
  for (const area of workAreas) {
    const o = overlap(b, area);
    if (o > bestArea) {
      best = area;
      bestArea = o;
    }
  }
  // Less than a quarter visible (monitor unplugged, resolution changed): start fresh.
  if (!best || bestArea < Math.min(b.width * b.height, best.width * best.height) / 4) return { bounds: { ...DEFAULT_SIZE }, maximized: saved.maximized };
  const width = Math.max(MIN_SIZE.width, Math.min(b.width, best.width));
  const height = Math.max(MIN_SIZE.height, Math.min(b.height, best.height));
  const x = Math.min(Math.max(b.x, best.x), best.x + best.width - width);
  const y = Math.min(Math.max(b.y, best.y), best.y + best.height - height);
  return { bounds: { x, y, width, height }, maximized: saved.maximized };
}

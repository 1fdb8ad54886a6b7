import fs from 'node:fs';
import path from 'node:path';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

const DEFAULT: WindowState = { width: 1280, height: 800, maximized: false };

/** The window's last bounds, kept in a small JSON file in the app's user-data folder. */
export function loadWindowState(dir: string): WindowState {
  try {
    const s = JSON.parse(fs.readFileSync(path.join(dir, 'window-state.json'), 'utf8')) as Partial<WindowState>;
    if (typeof s.width !== 'number' || typeof s.height !== 'number') return DEFAULT;
    return { ...DEFAULT, ...s, width: Math.max(800, s.width), height: Math.max(560, s.height) };
  } catch {
    return DEFAULT;
  }
}

export function saveWindowState(dir: string, state: WindowState): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'window-state.json'), JSON.stringify(state));
}

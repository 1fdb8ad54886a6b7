import os from 'node:os';
import path from 'node:path';

/** `--data-dir`, else `COUNTERSIGN_DATA_DIR`, else the platform's per-user application-data folder. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (flag) return path.resolve(flag);
  if (env.COUNTERSIGN_DATA_DIR) return path.resolve(env.COUNTERSIGN_DATA_DIR);
  const home = os.homedir();
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Countersign');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Countersign');
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'countersign');
  }
}

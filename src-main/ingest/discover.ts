import fs from 'node:fs';
import path from 'node:path';

export interface DiscoveredFile {
  /** As the user named it, or the file found under a folder they named. */
  file: string;
  /** Set when the path could not be read at discovery time. */
  missing?: boolean;
}

/**
 * Expands files and folders into the list of files to process, in input order; a folder's files are
 * sorted by name so a batch is reproducible. Hidden files and folders are skipped.
 */
export function discoverFiles(paths: string[]): DiscoveredFile[] {
  const out: DiscoveredFile[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      out.push({ file: dir, missing: true });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      // Anything else (a pipe, a device, a link to one) is listed, so reading it records a clear failure.
      if (e.isDirectory()) walk(full);
      else out.push({ file: full });
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      out.push({ file: p, missing: true });
      continue;
    }
    if (stat.isDirectory()) walk(p);
    else out.push({ file: p });
  }
  return out;
}

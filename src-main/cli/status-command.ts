import type { Command, Option } from 'commander';
import { activeVersions } from '../config/engine-config.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { Engine } from '../engine/engine.ts';
import { isEnrolled } from '../sync/sync-service.ts';

/** `countersign status`: what the next document is routed with, and where this device stands with its hub. */
export function registerStatusCommand(program: Command, dataDirOption: () => Option): void {
  program
    .command('status')
    .description('The policy, rule set and vendor templates in use (bundled, or assigned by the hub) and the hub sync state')
    .addOption(dataDirOption())
    .option('--json', 'print as JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      const engine = await Engine.open({ dataDir: resolveDataDir(o.dataDir), understanding: null });
      try {
        const config = activeVersions(engine.db);
        const hub = isEnrolled(engine.db) ? (await engine.sync()).status() : null;
        if (o.json) return void process.stdout.write(`${JSON.stringify({ config, hub }, null, 2)}\n`);
        const from = (s: 'hub' | 'bundled') => (s === 'hub' ? 'assigned by the hub' : 'bundled');
        const lines = [
          `Policy:           ${config.policy} (${from(config.source.policy)})`,
          `Rule set:         ${config.ruleSet} (${from(config.source.ruleSet)})`,
          `Vendor templates: ${config.templates.join(', ') || 'none'} (${from(config.source.templates)})`,
          hub ? `Hub:              ${hub.hubUrl} as device ${hub.deviceId}; last sync ${hub.lastSyncAt ?? 'never'}${hub.lastError ? `; last error: ${hub.lastError}` : ''}` : 'Hub:              not connected',
        ];
        if (hub?.lastConfigRefusal) lines.push(`Refused:          ${hub.lastConfigRefusal}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await engine.close();
      }
    });
}

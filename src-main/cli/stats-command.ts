import type { Command, Option } from 'commander';
import { CommanderError } from 'commander';
import { InsightsWindowSchema } from '../../src-shared/insights.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { Engine } from '../engine/engine.ts';
import { formatInsights } from '../insights/format-insights.ts';
import { EXIT_USAGE } from './exit-codes.ts';

/** `countersign stats [--json] [--window 7d]`: the Insights snapshot of this data directory. */
export function registerStatsCommand(program: Command, dataDirOption: () => Option): void {
  program
    .command('stats')
    .description('Metrics of this device: stage latencies (P50/P95/P99), throughput, failures, review share and queue, overrides, QA error rate, drift and alerts')
    .option('--window <w>', 'look-back window: 24h, 7d, 30d or all', '7d')
    .option('--json', 'the snapshot as JSON (the insights.get contract)')
    .addOption(dataDirOption())
    .action(async (o: { window: string; json?: boolean; dataDir?: string }) => {
      const w = InsightsWindowSchema.safeParse(o.window);
      if (!w.success) throw new CommanderError(EXIT_USAGE, 'countersign.invalidArgument', `--window needs a window such as 24h, 7d, 30d or all, got "${o.window}"`);
      const engine = await Engine.open({ dataDir: resolveDataDir(o.dataDir), understanding: null });
      try {
        const s = await engine.handlers['insights.get']({ window: w.data });
        process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : formatInsights(s));
      } finally {
        await engine.close();
      }
    });
}

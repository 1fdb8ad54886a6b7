import { Option, type Command } from 'commander';
import fs from 'node:fs';
import type { createClient } from '../../src-shared/contract/dispatch.ts';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { HubContract } from '../../src-shared/contract/hub.ts';
import { decisionsOf, periodBound } from '../../src-common/audit-report/audit-report.ts';
import { writeReport, type ReportFormat } from '../../src-common/audit-report/report-formats.ts';
import { parseExport } from '../../src-common/audit-report/verify-export.ts';

type HubClient = ReturnType<typeof createClient<HubContract>>;

/**
 * `countersign-admin audit report <deviceId>` writes a report of the hub's copy of a device's trail;
 * `audit verify-export <file>` asks the hub to check a report against what it stored (admin or auditor).
 */
export function registerHubAuditReport(audit: Command, hub: () => HubClient, out: (v: unknown) => void): void {
  audit
    .command('report <deviceId>')
    .description("A report of the hub's copy of a device's audit trail: period, user or document; JSON Lines, CSV or PDF")
    .requiredOption('--out <file>', 'where to write it')
    .option('--from <date>', 'first day or ISO time included', (v) => periodBound(v, '--from'))
    .option('--to <date>', 'first day or ISO time NOT included', (v) => periodBound(v, '--to'))
    .option('--user <name>', 'only what this user did')
    .option('--document <sha256>', 'only what concerns this document')
    .addOption(new Option('--format <format>', 'jsonl, csv or pdf').choices(['jsonl', 'csv', 'pdf']).default('jsonl'))
    .action(async (id: string, o: { out: string; from?: string; to?: string; user?: string; document?: string; format: ReportFormat }) => {
      const deviceId = Number.parseInt(id, 10);
      const filters = { from: o.from ?? null, to: o.to ?? null, user: o.user ?? null, document: o.document ?? null };
      const entries: AuditEntry[] = [];
      let page = await hub().call('audit.export', { deviceId, filters, fromSeq: 1, limit: 5000 });
      const header = page.header;
      entries.push(...page.entries);
      while (page.nextSeq !== null) {
        page = await hub().call('audit.export', { deviceId, filters, fromSeq: page.nextSeq, limit: 5000 });
        entries.push(...page.entries);
      }
      const report = { header, entries, decisions: decisionsOf(entries) };
      await writeReport(report, o.format, o.out);
      out({ out: o.out, entries: header.entries, decisions: report.decisions.length, verification: header.verification });
    });
  audit
    .command('verify-export <file>')
    .description('Ask the hub whether a JSON Lines report of its copy is what it stored: names the first edited, added or removed entry; exit 1 when not')
    .action(async (file: string) => {
      const exp = parseExport(fs.readFileSync(file, 'utf8'));
      if (exp.header.source.kind !== 'hub' || exp.header.source.deviceId === null) throw new Error(`${file} is a report of a device's own trail; check it on that device with \`countersign audit verify --export\``);
      const v = await hub().call('audit.verifyExport', { deviceId: exp.header.source.deviceId, header: exp.header, entries: exp.entries });
      out(v);
      if (!v.ok) throw new Error(`The export does not verify: ${v.firstBad!.problem}`);
    });
}

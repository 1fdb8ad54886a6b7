import { CommanderError, Option, type Command } from 'commander';
import fs from 'node:fs';
import { AuditReportFiltersSchema, type AuditReportFilters, type AuditReportVerification } from '../../src-shared/contract/audit-report.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { Engine } from '../engine/engine.ts';
import { isEnrolled } from '../sync/sync-service.ts';
import { buildAuditReport, periodBound, type AuditReport } from '../../src-common/audit-report/audit-report.ts';
import { writeReport, type ReportFormat } from '../../src-common/audit-report/report-formats.ts';
import { compareExport, parseExport } from '../../src-common/audit-report/verify-export.ts';
import { EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE } from './exit-codes.ts';

function parseWhen(v: string, flag: string): string {
  try {
    return periodBound(v, flag);
  } catch (err) {
    throw new CommanderError(EXIT_USAGE, 'countersign.invalidArgument', (err as Error).message);
  }
}

/** `--document` names a document by its SHA-256 or by its local id. */
async function documentSha(engine: Engine, v: string | undefined): Promise<string | null> {
  if (!v) return null;
  if (/^[0-9a-f]{64}$/.test(v)) return v;
  if (!/^\d+$/.test(v)) throw new CommanderError(EXIT_USAGE, 'countersign.invalidArgument', `--document needs a document id or a SHA-256, got "${v}"`);
  return (await engine.handlers['documents.get']({ id: Number(v) })).sha256;
}

/** The device's report: its own chain, checked whole, and the hub's signed copy when enrolled. */
export async function deviceAuditReport(engine: Engine, filters: AuditReportFilters): Promise<AuditReport> {
  const chain = await engine.handlers['audit.verify']({});
  let signatures: AuditReportVerification['signatures'] = { status: 'not_checked', detail: 'This device is not enrolled with a hub: no signed copy of its trail exists to check' };
  let source: AuditReport['header']['source'] = { kind: 'device', deviceId: null, siteId: null, hubUrl: null };
  if (isEnrolled(engine.db)) {
    const sync = await engine.sync();
    const status = sync.status();
    source = { kind: 'device', deviceId: status.deviceId, siteId: null, hubUrl: status.hubUrl };
    const hub = await sync.compareAuditWithHub();
    signatures =
      hub.status === 'agrees'
        ? { status: 'checked', detail: `The hub at ${hub.hubUrl} holds ${hub.entries} entries in ${hub.batches} batches signed with this device's key, as this device sent them` }
        : hub.status === 'differs'
          ? { status: 'differs', detail: `The hub's copy at ${hub.hubUrl} DIFFERS: ${hub.problem}` }
          : { status: 'not_checked', detail: `The hub's signed copy was not compared: ${hub.reason}` };
  }
  return buildAuditReport({ recorded: engine.audit.iterate(), filters, sensitiveFields: engine.sensitiveFields(), source, chain, signatures });
}

/** Writes the report in the asked format; a PDF is printed by Chromium. */
/** `countersign audit verify --export F`: the export against this device's recorded chain. */
export function verifyExportFile(engine: Engine, file: string, opts: { json?: boolean; out?: (line: string) => void } = {}): number {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const exp = parseExport(fs.readFileSync(file, 'utf8'));
  const v = compareExport(exp, engine.audit.iterate());
  if (opts.json) out(JSON.stringify(v));
  else if (v.ok) out(`Export verifies: its ${v.checked} entries are the recorded ones, unedited, none missing`);
  else out(`Export does NOT verify: ${v.firstBad!.problem}`);
  return v.ok ? EXIT_OK : EXIT_SOME_FAILED;
}

export function registerAuditReportCommand(audit: Command, state: { exitCode: number }, dataDirOption: () => Option): void {
  audit
    .command('report')
    .description('A report for auditors: the entries of a period, user or document with a verification section (chain, hashes, signatures, model and policy per decision), as JSON Lines, CSV or PDF')
    .requiredOption('--out <file>', 'where to write it')
    .option('--from <date>', 'first day (2026-03-01) or time (ISO 8601) included', (v) => parseWhen(v, '--from'))
    .option('--to <date>', 'first day or time NOT included', (v) => parseWhen(v, '--to'))
    .option('--user <name>', 'only what this user (actor) did')
    .option('--document <id|sha256>', 'only what concerns this document')
    .addOption(new Option('--format <format>', 'jsonl (verifiable with `audit verify --export`), csv or pdf').choices(['jsonl', 'csv', 'pdf']).default('jsonl'))
    .addOption(dataDirOption())
    .action(async (o: { out: string; from?: string; to?: string; user?: string; document?: string; format: ReportFormat; dataDir?: string }) => {
      const engine = await Engine.open({ dataDir: resolveDataDir(o.dataDir), understanding: null });
      try {
        const filters = AuditReportFiltersSchema.parse({ from: o.from ?? null, to: o.to ?? null, user: o.user ?? null, document: await documentSha(engine, o.document) });
        const report = await deviceAuditReport(engine, filters);
        await writeReport(report, o.format, o.out);
        const v = report.header.verification;
        process.stderr.write(`Wrote ${report.header.entries} entries (${report.decisions.length} decisions) to ${o.out}; chain ${v.chain.ok ? 'intact' : 'BROKEN'}, hashes ${v.hashes.ok ? 'checked' : 'BAD'}, signatures ${v.signatures.status.replace('_', ' ')}\n`);
        state.exitCode = v.chain.ok && v.hashes.ok && v.signatures.status !== 'differs' ? EXIT_OK : EXIT_SOME_FAILED;
      } finally {
        await engine.close();
      }
    });
}

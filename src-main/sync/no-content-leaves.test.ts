import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXPORTABLE_FIELDS } from '../../src-shared/data-residency.ts';
import { hubClient, seedHub, sqliteBackend, startHub, type RunningHub } from '../../src-server/testing/hub-fixture.ts';
import { Engine } from '../engine/engine.ts';
import { makeTextPdf } from '../testing/make-pdf.ts';
import { DeviceSecretVault, MemorySecretStore } from './device-identity.ts';
import { ResidencyFilter, spellings } from './residency.ts';
import { SyncService } from './sync-service.ts';
import { FlakyFetch } from './testing.ts';
import { BUNDLED_MODEL_VERSION } from '../testing/bundled-model.ts';

/**
 * The promise compliance buys: document content never leaves the site. A real hub runs in this
 * process; every byte the device sends it (URL, headers, body) is recorded at the fetch boundary
 * while the device processes invoices with an IBAN, a VAT ID and an address, reviews, corrects,
 * rejects, shares a task, decides hub tasks and uploads its audit trail.
 */

const IBAN = 'DE89 3704 0044 0532 0130 00';
const VAT = 'DE136695976';
const ADDRESS = 'Quellenweg 17, 60311 Frankfurt am Main';

function invoiceLines(n: number, opts: { vendor?: string; address?: string; iban?: string; vat?: string } = {}): string[] {
  const total = (200 + n * 13.4).toFixed(2);
  return [
    opts.vendor ?? 'Brightwater Paper Mill AG',
    opts.address ?? ADDRESS,
    `VAT ID: ${opts.vat ?? VAT}`,
    `Invoice number: BW-7${String(n).padStart(3, '0')}`,
    'Invoice date: 04.03.2024',
    'Due date: 03.04.2024',
    'Description                Qty     Amount',
    `Recycled carton stock        1     ${total}`,
    `Subtotal                            ${total}`,
    'VAT 0%                              0.00',
    `Total EUR                           ${total}`,
    `IBAN: ${opts.iban ?? IBAN}`,
  ];
}

async function scannedInvoice(): Promise<Buffer> {
  const lines = ['Kestrel Freight Ltd', 'Harbourside Quay 4, Dundee DD1 3JA', 'VAT ID: GB980780684', 'Invoice number: KF-2291', 'Invoice date: 12.05.2024', 'Total GBP 88.20', 'IBAN: GB82 WEST 1234 5698 7654 32'];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="900"><rect width="100%" height="100%" fill="white"/>${lines
    .map((l, i) => `<text x="60" y="${90 + i * 64}" font-family="DejaVu Sans, sans-serif" font-size="34" fill="black">${l}</text>`)
    .join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Every way a string can show up in a request: as is, JSON-escaped, base64, hex, URL-encoded. */
function encodings(s: string): string[] {
  return [s, JSON.stringify(s).slice(1, -1), Buffer.from(s).toString('base64'), Buffer.from(s).toString('hex'), encodeURIComponent(s)];
}

/** Windows of a binary file in base64 and hex, at several offsets (base64 depends on alignment). */
function byteWindows(bytes: Buffer): string[] {
  const out: string[] = [];
  for (const at of [0, 1, 2, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 1, Math.floor(bytes.length / 2) + 2]) {
    const w = bytes.subarray(at, at + 48);
    out.push(w.toString('base64').slice(4, 56), w.toString('hex').slice(0, 64), w.toString('latin1').slice(0, 24));
  }
  return out;
}

describe('no document content leaves the device (real hub, every request recorded)', () => {
  let hub: RunningHub;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  let drop: () => Promise<void>;
  let engine: Engine;
  const dirs: string[] = [];
  const tmp = (p: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), p));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    const opened = await sqliteBackend.open();
    drop = opened.drop;
    hub = await startHub(opened.db);
    seed = await seedHub(hub, 'res');
  });
  afterAll(async () => {
    await engine?.close();
    await hub?.close();
    await hub?.db.close();
    await drop?.();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('sends no kept-on-site field value, page text, OCR word, file name or image byte, in any encoding', async () => {
    const dataDir = tmp('cs-res-');
    engine = await Engine.open({ dataDir, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1, ocrSecondReading: false });
    const inbox = tmp('cs-in-');
    const files: Record<string, Buffer> = {
      'brightwater-march-confidential.pdf': makeTextPdf([invoiceLines(1), ['Board memo: acquisition of Lindqvist Tooling', 'Strictly private']]),
      'brightwater-april-confidential.pdf': makeTextPdf([invoiceLines(2)]),
      'ostara-supplies-invoice.pdf': makeTextPdf([invoiceLines(3, { vendor: 'Ostara Supplies GmbH', address: 'Lindenallee 5, 50968 Koeln', iban: 'DE44 5001 0517 5407 3249 31', vat: 'DE811128135' })]),
      'kestrel-scan.png': await scannedInvoice(),
    };
    for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(inbox, name), bytes);
    const results = await engine.process([inbox]);
    expect(results.map((r) => r.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
    const byName = Object.fromEntries(results.map((r) => [path.basename(r.file), r]));
    expect(byName['brightwater-march-confidential.pdf']!.fields).toMatchObject({ iban: { value: expect.any(String) }, vendorTaxId: { value: VAT } });

    // Review on the device: one correction (of kept-on-site and exportable fields), one rejection, one approval.
    const ids = results.map((r) => r.documentId!);
    engine.db.transaction(() => {
      for (const documentId of ids) {
        if (!engine.tasks.list({ offset: 0, limit: 100 }).items.some((t) => t.documentId === documentId)) {
          engine.tasks.create({ documentId, reasons: ['checked by hand'], priority: 1, policyVersion: 'test', batchApprovable: false, qaSampled: false });
        }
      }
    })();
    const taskOf = (documentId: number) => engine.tasks.list({ offset: 0, limit: 100 }).items.find((t) => t.documentId === documentId && t.status === 'open')!;
    const correctedAddress = 'Quellenweg 19, 60311 Frankfurt am Main';
    await engine.handlers['tasks.decide']({ taskId: taskOf(ids[0]!).id, action: 'correct', actor: 'rita', corrections: { vendorAddress: correctedAddress, iban: 'DE02 1203 0000 0000 2020 51', total: '213.40' } });
    await engine.handlers['tasks.decide']({ taskId: taskOf(ids[1]!).id, action: 'reject', actor: 'rita', reason: `IBAN ${IBAN} does not match the vendor master` });
    await engine.handlers['tasks.decide']({ taskId: taskOf(ids[2]!).id, action: 'approve', actor: 'rita' });

    // Connect, share one document as a hub task (export), decide hub tasks, sync, upload the audit trail.
    const recorder = new FlakyFetch();
    const sync = new SyncService({
      db: engine.db,
      audit: engine.audit,
      vault: await DeviceSecretVault.open(dataDir, new MemorySecretStore()),
      siteKey: () => engine.siteKey(),
      fetch: recorder.fetch,
      // The metrics upload rides along: aggregates only, vendor names as the residency policy says.
      metrics: (range, vendorKey) => engine.insights().upload(range, vendorKey),
      // So does the model service's round (admin keys, assignments, reviewed outcomes), as Engine.sync() wires it.
      afterSync: async (h, device) => void (await engine.models().syncWithHub(h, device)),
    });
    await sync.connect({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.clerk.user.id), deviceName: 'clerk-pc' });
    await sync.syncOnce();
    const before = recorder.requests.length;
    await expect(sync.shareDocument({ documentId: ids[0]!, queueId: seed.queue.id, fields: ['total', 'iban'], priority: 1 })).rejects.toThrow(/keeps iban on site/);
    expect(recorder.requests.length).toBe(before);
    const shared = await sync.shareDocument({ documentId: ids[0]!, queueId: seed.queue.id, fields: ['total', 'documentNumber', 'issueDate'], priority: 1 });
    const other = await sync.shareDocument({ documentId: ids[2]!, queueId: seed.queue.id, fields: ['total'], priority: 1 });
    await sync.syncOnce();
    sync.decideHubTask({ taskId: shared.id, action: 'correct', actor: 'clara', corrections: { vendorTaxId: 'DE999999999', total: '213.40' } });
    sync.decideHubTask({ taskId: other.id, action: 'reject', actor: 'clara', reason: `Wrong VAT ID DE811128135 and address Lindenallee 5, 50968 Koeln` });
    await sync.syncOnce();
    expect(sync.status()).toMatchObject({ outboxLength: 0, auditPending: 0, lastError: null });

    // What must not leave.
    const exportable = new Set<string>(DEFAULT_EXPORTABLE_FIELDS);
    const forbidden = new Set<string>(['Board memo: acquisition of Lindqvist Tooling', 'Lindqvist', 'Strictly private', 'DE999999999', 'DE811128135', correctedAddress]);
    const allowedValues: string[] = [];
    const values = engine.db.prepare<[], { field: string; value: string; raw_value: string | null }>('SELECT field, value, raw_value FROM extractions').all();
    for (const v of values) {
      if (exportable.has(v.field)) allowedValues.push(v.value);
      else for (const s of [...spellings(v.value), ...(v.raw_value ? spellings(v.raw_value) : [])]) forbidden.add(s);
    }
    for (const s of [IBAN, VAT, ADDRESS, ...spellings(IBAN)]) forbidden.add(s);
    for (const [name] of Object.entries(files)) forbidden.add(name);
    forbidden.add(inbox);
    const words = engine.db.prepare<[], { document_id: number; page_no: number; line: number; text: string }>('SELECT document_id, page_no, line, text FROM words ORDER BY document_id, page_no, idx').all();
    const lines = new Map<string, string[]>();
    for (const w of words) lines.set(`${w.document_id}/${w.page_no}/${w.line}`, [...(lines.get(`${w.document_id}/${w.page_no}/${w.line}`) ?? []), w.text]);
    const ocrWords = words.filter((w) => w.document_id === byName['kestrel-scan.png']!.documentId);
    expect(ocrWords.length).toBeGreaterThan(10);
    for (const [, ws] of lines) {
      const line = ws.join(' ');
      // A line holding an exportable value (the total, the invoice number) may leave in part: the value itself.
      if (allowedValues.some((a) => line.includes(a))) continue;
      if (line.length >= 10) forbidden.add(line);
      for (const w of ws) if (w.length >= 6 && !allowedValues.some((a) => a.includes(w))) forbidden.add(w);
    }
    for (const p of engine.db.prepare<[], { text: string }>('SELECT text FROM pages').all()) forbidden.add(p.text);
    forbidden.add('%PDF');
    forbidden.add('iVBORw0KGgo');
    for (const bytes of Object.values(files)) for (const w of byteWindows(bytes)) forbidden.add(w);

    const sent = recorder.requests.map((r) => `${r.url}\n${r.body}`).join('\n');
    expect(recorder.requests.length).toBeGreaterThan(8);
    expect(recorder.requests.filter((r) => r.url.endsWith('/v1/metrics.upload')).length).toBeGreaterThanOrEqual(3);
    expect(recorder.requests.some((r) => r.url.endsWith('/v1/models.keys'))).toBe(true);
    expect(recorder.requests.every((r) => r.url.startsWith(hub.url))).toBe(true);
    const leaks = [...forbidden].filter((f) => f.length >= 4).flatMap((f) => encodings(f).filter((e) => sent.includes(e)).map((e) => `${JSON.stringify(f.slice(0, 50))} as ${JSON.stringify(e.slice(0, 50))}`));
    expect(leaks).toEqual([]);

    // What did leave: references, hashes, exportable values, decisions, and a chain the hub can verify.
    expect(sent).toContain(byName['brightwater-march-confidential.pdf']!.sha256!);
    expect(sent).toContain('213.40');
    const deviceId = sync.status().deviceId!;
    const auditor = hubClient(hub.url, seed.auditor.token);
    expect(await auditor.call('audit.verify', { deviceId })).toMatchObject({ ok: true, entries: engine.audit.count() });
    expect(engine.audit.verify()).toMatchObject({ ok: true });
    // Equal values hash equally, so the hub can still count them: both Brightwater invoices share an IBAN.
    const { entries } = await auditor.call('audit.entries', { deviceId, limit: 5000 });
    const routed = entries.filter((e) => e.event === 'document.routed').map((e) => (e.data.fields as Record<string, { value: string }>).iban?.value);
    expect(routed[0]).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(routed[0]).toBe(routed[1]);
    expect(routed[2]).not.toBe(routed[0]);
    const ingested = entries.filter((e) => e.event === 'document.ingested').map((e) => e.data.fileName);
    expect(ingested.every((n) => typeof n === 'string' && n.startsWith('hmac:'))).toBe(true);

    // The metrics arrived, as counts: three local reviews (one correction of iban, vendorAddress, total).
    const summary = await auditor.call('metrics.summary', { window: '24h' });
    const group = summary.groups.find((g) => g.modelVersion === BUNDLED_MODEL_VERSION)!;
    expect(group.documents.processed).toBe(4);
    expect(group.overrides.byField.find((f) => f.key === 'iban')).toMatchObject({ numerator: 1 });
    // vendor may leave under the default residency policy: the two vendors of the reviewed documents, as read.
    expect(group.overrides.byVendor).toHaveLength(2);
    expect(group.overrides.byVendor.find((v) => v.key === 'Brightwater Paper Mill AG')).toMatchObject({ denominator: 2 });
  }, 240_000);

  it('hashes vendor names in the metrics when the site policy keeps vendor on site', async () => {
    const filter = new ResidencyFilter(await engine.siteKey(), { exportableFields: ['total'], fileNames: 'drop' });
    const upload = engine.insights().upload({ from: null, to: new Date(Date.now() + 1000).toISOString() }, (v) => filter.fieldValue('vendor', v));
    const body = JSON.stringify(upload);
    const vendors = upload.hours.flatMap((h) => h.overrides.filter((o) => o.dimension === 'vendor').map((o) => o.key));
    expect(vendors.length).toBeGreaterThan(0);
    expect(vendors.every((v) => /^hmac:[0-9a-f]{64}$/.test(v))).toBe(true);
    for (const secret of ['Brightwater', 'Ostara', 'Kestrel', IBAN, VAT, ADDRESS, 'confidential']) expect(body).not.toContain(secret);
  });
});

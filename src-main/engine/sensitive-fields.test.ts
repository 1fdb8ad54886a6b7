import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTextPdf } from '../testing/make-pdf.ts';
import { Engine } from './engine.ts';

describe("the policy's sensitive fields, through the contract", () => {
  it('are named on every document for the screens, and masked in the audit export unless asked', async () => {
    const engine = await Engine.open({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cs-sens-')), understanding: null, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    try {
      const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-sens-in-'));
      fs.writeFileSync(path.join(inbox, 'a.pdf'), makeTextPdf([['Invoice']]));
      const [r] = await engine.process([inbox]);
      const detail = await engine.handlers['documents.get']({ id: r!.documentId! });
      // The bundled policy marks the vendor address sensitive, not only IBAN and tax ID.
      expect(detail.sensitiveFields).toEqual(expect.arrayContaining(['iban', 'vendorTaxId', 'vendorAddress']));
      engine.db.transaction(() =>
        engine.audit.append({
          actor: 'pipeline',
          event: 'document.routed',
          data: { fields: { iban: { value: 'DE89370400440532013000', confidence: 0.9 }, vendorAddress: { value: 'Quellenweg 17, 60311 Frankfurt', confidence: 0.8 }, total: { value: '12.40', confidence: 0.9 } }, changes: [{ field: 'vendorAddress', oldValue: 'Quellenweg 17', newValue: 'Quellenweg 19' }] },
        }),
      )();
      const masked = (await engine.handlers['audit.export']({ fromSeq: 1, limit: 1000 })).entries.at(-1)!;
      const text = JSON.stringify(masked);
      for (const v of ['DE89370400440532013000', 'Quellenweg']) expect(text).not.toContain(v);
      expect(masked.data).toMatchObject({ fields: { iban: { value: expect.stringMatching(/^•+3000$/) }, total: { value: '12.40' } }, changes: [{ field: 'vendorAddress', newValue: expect.stringMatching(/^•+eg19$/) }] });
      const full = (await engine.handlers['audit.export']({ fromSeq: 1, limit: 1000, unmasked: true })).entries.at(-1)!;
      expect(JSON.stringify(full)).toContain('Quellenweg 17, 60311 Frankfurt');
    } finally {
      await engine.close();
    }
  });
});

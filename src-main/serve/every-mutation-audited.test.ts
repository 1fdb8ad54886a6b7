import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-shared/contract/dispatch.ts';
import { appContract, type AppHandlers } from '../../src-shared/contract/ui.ts';
import { hubClient, makeTasks, seedHub, sqliteBackend, startHub, type RunningHub } from '../../src-server/testing/hub-fixture.ts';
import type { ChangeEvent } from '../store/mutate.ts';
import { MemorySecretStore } from '../sync/device-identity.ts';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { Engine } from '../engine/engine.ts';
import { createUiHandlers } from './ui-handlers.ts';
import { parse as parseYaml } from 'yaml';
import { BUNDLED } from '../understand/bundled-paths.ts';

const mutations = Object.entries(appContract)
  .filter(([, spec]) => spec.mutates)
  .map(([name]) => name)
  .sort();

// House style rule 4: every mutating call of the contract writes through the one door, so each leaves
// its audit entries (written by the door, in the change's transaction) and a change event.
describe('every mutating call goes through the write door', () => {
  let hub: RunningHub;
  let drop: () => Promise<void>;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  let app: { engine: Engine; handlers: AppHandlers; close(): Promise<void> };
  const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

  beforeAll(async () => {
    const opened = await sqliteBackend.open();
    drop = opened.drop;
    hub = await startHub(opened.db);
    seed = await seedHub(hub);
    // The app's handlers as openAppBackend joins them, without its background sync (which would race the calls).
    const engine = await Engine.open({ dataDir: tmp('cs-door-'), understanding: null, keyStorage: 'file', secretStore: new MemorySecretStore(), onWarning: () => {}, ocrWorkers: 1 });
    const ui = createUiHandlers(engine.dataDir, (paths) => engine.process(paths), engine.door);
    app = { engine, handlers: { ...engine.handlers, ...ui }, close: async () => (ui.close(), await engine.close()) };
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
    await hub?.db.close();
    await drop?.();
  });

  /** What a call left behind: its reply, the audit entries it added and the door's announcements. */
  async function observe(name: string, arg: unknown) {
    const before = app.engine.audit.count();
    const doorChanges: ChangeEvent[] = [];
    const stopDoor = app.engine.door.onChange((c) => doorChanges.push(c));
    try {
      const reply = await dispatch(appContract, app.handlers, name, arg);
      const added = [...app.engine.audit.iterate(before + 1)];
      return { reply, added, doorChanges };
    } finally {
      stopDoor();
    }
  }

  const pdf = (n: number) => makeTextPdf([sampleInvoiceLines(n)]);
  const inbox = () => {
    const dir = tmp('cs-in-');
    fs.writeFileSync(path.join(dir, 'invoice.pdf'), pdf(11));
    return dir;
  };
  let documentId = 0;
  let localTaskId = 0;
  let hubTaskId = 0;

  /** Every mutation of the contract, in an order where each finds what it needs; each with the audit events it must leave. */
  const calls: { name: string; arg: () => Promise<unknown> | unknown; events: string[]; after?: () => void }[] = [
    {
      name: 'documents.process',
      arg: () => ({ paths: [inbox()], actor: 'clara' }),
      events: ['document.ingested', 'text.extracted', 'document.processed'],
      after: () => {
        documentId = app.engine.docs.list({ offset: 0, limit: 1 }).items[0]!.id;
        // A review task and an extracted total as the understanding stage would leave them (this engine reads text only).
        app.engine.db.transaction(() => {
          app.engine.db.prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, created_at) VALUES (?, 'total', '150.75', 0.9, 'rules', ?)`).run(documentId, new Date().toISOString());
          localTaskId = app.engine.tasks.create({ documentId, reasons: ['low confidence'], priority: 1, policyVersion: 'p1', batchApprovable: false, qaSampled: false });
        })();
      },
    },
    { name: 'documents.upload', arg: () => ({ files: [{ name: 'dropped.pdf', dataBase64: pdf(12).toString('base64') }], actor: 'clara' }), events: ['document.ingested', 'text.extracted', 'document.processed'] },
    { name: 'tasks.decide', arg: () => ({ taskId: localTaskId, action: 'correct', actor: 'rita', corrections: { total: '150.70' } }), events: ['task.corrected'] },
    { name: 'tasks.undo', arg: () => ({ taskId: localTaskId, actor: 'rita' }), events: ['task.undone'] },
    { name: 'sync.connect', arg: async () => ({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.clerk.user.id), deviceName: 'door-pc' }), events: ['hub.connected'] },
    {
      name: 'sync.now',
      arg: async () => {
        const admin = hubClient(hub.url, seed.admin.token);
        const rules = await admin.call('artifacts.publish', { kind: 'ruleSet', name: 'door-rules', content: { ...parseYaml(fs.readFileSync(BUNDLED.rulesFile, 'utf8')), version: 'door-1' } });
        await admin.call('artifacts.assign', { siteId: seed.site.id, kind: 'ruleSet', name: rules.name, version: rules.version });
        hubTaskId = (await makeTasks(hub, seed.queue.id, 1, 9_000))[0]!.id;
        return {};
      },
      events: ['config.received'],
    },
    { name: 'sync.decideHubTask', arg: () => ({ taskId: hubTaskId, action: 'approve', actor: 'rita' }), events: ['hub_task.approved'] },
    { name: 'sync.shareDocument', arg: () => ({ documentId, queueId: seed.queue.id, fields: ['total'], priority: 2 }), events: ['document.shared'] },
    { name: 'ui.saveSettings', arg: () => ({ actor: 'dana', theme: 'dark' }), events: ['settings.changed'] },
    { name: 'ui.saveFilter', arg: () => ({ name: 'Big ones', filter: { minTotal: 1000 } }), events: ['settings.filter_saved'] },
    { name: 'ui.deleteFilter', arg: () => ({ name: 'Big ones' }), events: ['settings.filter_deleted'] },
  ];

  it('covers every mutation the contract declares', () => {
    expect(calls.map((c) => c.name).sort()).toEqual(mutations);
  });

  it('each mutation, dispatched on a real store, leaves its audit entries, all written by the door, and a change event', async () => {
    for (const c of calls) {
      const seen = await observe(c.name, await c.arg());
      expect(seen.reply, `${c.name}: ${JSON.stringify(seen.reply).slice(0, 300)}`).toMatchObject({ ok: true });
      expect(seen.added.map((e) => e.event), c.name).toEqual(c.events);
      // Every new entry was appended by the door, in a change it announced.
      expect(seen.doorChanges.flatMap((d) => d.auditSeqs), c.name).toEqual(seen.added.map((e) => e.seq));
      expect(seen.doorChanges.length, c.name).toBeGreaterThan(0);
      c.after?.();
    }
    expect(app.engine.audit.verify()).toMatchObject({ ok: true });
  });

  it('a mutation that is refused leaves no audit entry and announces nothing', async () => {
    const seen = await observe('tasks.undo', { taskId: localTaskId, actor: 'rita' });
    expect(seen.reply).toMatchObject({ ok: false, error: { code: 'nothing_to_undo' } });
    expect(seen.added).toEqual([]);
    expect(seen.doorChanges).toEqual([]);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineClient } from './engine-client.ts';

describe('the engine process the desktop app talks to', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-host-'));
  const events: string[] = [];
  process.env.COUNTERSIGN_KEY_STORAGE = 'file';
  const engine = new EngineClient(path.resolve('.'), dataDir, (channel) => events.push(channel));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('answers calls over IPC with the same replies as every other transport, then stops cleanly', async () => {
    await engine.ready;
    expect(await engine.call('system.stats', {})).toMatchObject({ ok: true, value: { documents: { total: 0 } } });
    expect(await engine.call('nope.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await engine.call('ui.saveSettings', { actor: 'dana' })).toMatchObject({ ok: true, value: { actor: 'dana' } });
    expect(events).toContain('changed');
    await engine.shutdown();
    expect(await engine.call('system.stats', {})).toMatchObject({ ok: false, error: { code: 'engine_stopped' } });
  });
});

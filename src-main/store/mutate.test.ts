import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from './mutate.ts';
import { openTestDoor } from './testing.ts';

const open = () => {
  const t = openTestDoor(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-door-')));
  const changes: ChangeEvent[] = [];
  t.door.onChange((c) => changes.push(c));
  const meta = (key: string) => t.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value ?? null;
  const setMeta = (key: string, value: string) => t.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, value);
  return { ...t, changes, meta, setMeta };
};

describe('the write door', () => {
  it('commits a change with its audit entry in one transaction, then announces it', () => {
    const t = open();
    const out = t.door.mutate('settings.test', (audit) => {
      t.setMeta('colour', 'blue');
      audit({ actor: 'dana', event: 'settings.changed', data: { colour: 'blue' } });
      return 42;
    });
    expect(out).toBe(42);
    expect(t.meta('colour')).toBe('blue');
    expect(t.audit.list({ offset: 0, limit: 10 }).items.map((e) => [e.seq, e.actor, e.event])).toEqual([[1, 'dana', 'settings.changed']]);
    expect(t.changes).toEqual([{ name: 'settings.test', auditSeqs: [1] }]);
    expect(t.audit.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('a change that fails leaves neither its writes nor its audit entry, and is not announced', () => {
    const t = open();
    expect(() =>
      t.door.mutate('settings.test', (audit) => {
        t.setMeta('colour', 'red');
        audit({ actor: 'dana', event: 'settings.changed' });
        throw new Error('disk on fire');
      }),
    ).toThrow('disk on fire');
    expect(t.meta('colour')).toBeNull();
    expect(t.audit.count()).toBe(0);
    expect(t.changes).toEqual([]);
  });

  it('refuses a change that records no audit entry, and rolls it back', () => {
    const t = open();
    expect(() => t.door.mutate('settings.sneaky', () => t.setMeta('colour', 'green'))).toThrow(/settings.sneaky changed state without an audit entry/);
    expect(t.meta('colour')).toBeNull();
  });

  it('refuses a change inside another, and an asynchronous one', () => {
    const t = open();
    expect(() => t.door.mutate('outer', (audit) => (audit({ actor: 'a', event: 'x' }), t.door.mutate('inner', (a2) => a2({ actor: 'a', event: 'y' }))))).toThrow(/inner was started inside outer/);
    expect(() => t.door.mutate('later', async (audit) => audit({ actor: 'a', event: 'x' }))).toThrow(/later is asynchronous/);
    expect(t.audit.count()).toBe(0);
    // The door is usable again afterwards.
    t.door.mutate('after', (audit) => audit({ actor: 'a', event: 'z' }));
    expect(t.audit.count()).toBe(1);
  });

  it('tracks bookkeeping in a transaction without an audit entry or an announcement', () => {
    const t = open();
    t.door.track('sync.cursor', () => t.setMeta('cursor', '7.1'));
    expect(t.meta('cursor')).toBe('7.1');
    expect(t.audit.count()).toBe(0);
    expect(t.changes).toEqual([]);
  });
});

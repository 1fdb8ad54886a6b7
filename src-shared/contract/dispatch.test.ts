import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, createClient, dispatch } from './dispatch.ts';
import { mutation, query } from './define.ts';
import { engineContract } from './index.ts';

const contract = {
  'math.add': query('adds', z.object({ a: z.number(), b: z.number().default(1) }), z.object({ sum: z.number() })),
  'math.fail': mutation('fails', z.object({}), z.object({})),
  'math.lie': query('breaks its own contract', z.object({}), z.object({ n: z.number() })),
};
const handlers = {
  'math.add': async ({ a, b }: { a: number; b: number }) => ({ sum: a + b }),
  'math.fail': async () => {
    throw new ApiError('not_allowed', 'No.');
  },
  'math.lie': async () => ({ n: 'three' }) as unknown as { n: number },
};

describe('one contract, many transports', () => {
  it('validates arguments, applies defaults, and answers with plain data', async () => {
    expect(await dispatch(contract, handlers, 'math.add', { a: 2 })).toEqual({ ok: true, value: { sum: 3 } });
    const bad = await dispatch(contract, handlers, 'math.add', { a: 'two' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument', message: expect.stringContaining('a:') } });
  });

  it('gives typed errors for unknown calls, handler failures and broken results, never a stack trace', async () => {
    expect(await dispatch(contract, handlers, 'math.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await dispatch(contract, handlers, 'constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(await dispatch(contract, handlers, 'math.fail', {})).toEqual({ ok: false, error: { code: 'not_allowed', message: 'No.' } });
    const lie = await dispatch(contract, handlers, 'math.lie', {});
    expect(lie).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(lie)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a client over a transport gets values back and errors as ApiError', async () => {
    const client = createClient<typeof contract>((name, arg) => dispatch(contract, handlers, name, JSON.parse(JSON.stringify(arg))));
    expect(await client.call('math.add', { a: 40, b: 2 })).toEqual({ sum: 42 });
    await expect(client.call('math.fail', {})).rejects.toMatchObject({ code: 'not_allowed' });
  });

  it('declares every engine call with schemas and a summary', () => {
    for (const [name, spec] of Object.entries(engineContract)) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(spec.summary.length).toBeGreaterThan(10);
    }
    expect(Object.keys(engineContract)).toEqual(expect.arrayContaining(['documents.process', 'documents.list', 'documents.get', 'tasks.decide', 'audit.verify', 'audit.export', 'system.stats']));
  });
});

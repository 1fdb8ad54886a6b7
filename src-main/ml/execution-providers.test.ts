import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { candidateProviders, executionProviderSetting, parseExecutionProvider, ResilientSession, type ExecutionProvider, type ProviderAttempt } from './execution-providers.ts';

// The smallest model we ship: the OCR angle classifier (input x: [n, 3, 48, 192], output [n, 2]).
const MODEL = new Uint8Array(fs.readFileSync(path.resolve(__dirname, '../../models/ocr-ppocrv4/ch_ppocr_mobile_v2.0_cls_infer.onnx')));
const input = () => ({ x: new ort.Tensor('float32', new Float32Array(3 * 48 * 192).fill(0.25), [1, 3, 48, 192]) });

describe('choosing execution providers', () => {
  it('reads the setting and the flag values, and refuses unknown ones', () => {
    expect(parseExecutionProvider('CUDA')).toBe('cuda');
    expect(parseExecutionProvider('directml')).toBe('dml');
    expect(() => parseExecutionProvider('tpu')).toThrow(/Unknown execution provider "tpu"/);
    expect(executionProviderSetting({})).toBe('auto');
    expect(executionProviderSetting({ COUNTERSIGN_EXECUTION_PROVIDER: 'webgpu' })).toBe('webgpu');
  });

  it('always ends on CPU, and a forced provider is tried first', () => {
    expect(candidateProviders('cpu')).toEqual(['cpu']);
    expect(candidateProviders('cuda')).toEqual(['cuda', 'cpu']);
    expect(candidateProviders('auto', 'darwin')).toEqual(['coreml', 'webgpu', 'cpu']);
    expect(candidateProviders('auto', 'linux').at(-1)).toBe('cpu');
  });
});

describe('a session that falls back', () => {
  it('skips a provider that cannot load, says why, and runs on the next', async () => {
    const skipped: ProviderAttempt[] = [];
    const failing = async (bytes: Uint8Array, provider: ExecutionProvider, threads: number) => {
      if (provider === 'cuda') throw new Error('libcudart.so.12: cannot open shared object file');
      return ort.InferenceSession.create(bytes, { executionProviders: [provider], intraOpNumThreads: threads });
    };
    const s = await ResilientSession.create(MODEL, { providers: ['cuda', 'cpu'], threads: 1, open: failing, onFallback: (a) => skipped.push(a) });
    expect(s.provider).toBe('cpu');
    expect(skipped).toEqual([{ provider: 'cuda', error: 'could not load: libcudart.so.12: cannot open shared object file' }]);
    expect((await s.run(input())).provider).toBe('cpu');
    await s.release();
  });

  it('skips a provider whose self-test output differs from CPU', async () => {
    const skipped: ProviderAttempt[] = [];
    // A "GPU" that loads but computes something else: it runs the model on a different input.
    const wrong = async (bytes: Uint8Array, provider: ExecutionProvider, threads: number) => {
      const real = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads });
      if (provider === 'cpu') return real;
      return new Proxy(real, {
        get: (t, k) => (k === 'run' ? () => t.run({ x: new ort.Tensor('float32', new Float32Array(3 * 48 * 192).fill(-1), [1, 3, 48, 192]) }) : Reflect.get(t, k)),
      });
    };
    const s = await ResilientSession.create(MODEL, {
      providers: ['webgpu', 'cpu'],
      threads: 1,
      open: wrong,
      selfTest: { feeds: input(), tolerance: 1e-3 },
      onFallback: (a) => skipped.push(a),
    });
    expect(s.provider).toBe('cpu');
    expect(skipped[0]?.error).toMatch(/^failed its self-test: self-test output differs from CPU/);
    await s.release();
  });

  it('drops a provider that fails while running and reruns the same input on CPU', async () => {
    const skipped: ProviderAttempt[] = [];
    const flaky = async (bytes: Uint8Array, provider: ExecutionProvider, threads: number) => {
      const real = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads });
      if (provider === 'cpu') return real;
      return new Proxy(real, { get: (t, k) => (k === 'run' ? () => Promise.reject(new Error('device lost')) : Reflect.get(t, k)) });
    };
    const s = await ResilientSession.create(MODEL, { providers: ['cuda', 'cpu'], threads: 1, open: flaky, onFallback: (a) => skipped.push(a) });
    expect(s.provider).toBe('cuda');
    const { outputs, provider } = await s.run(input());
    expect(provider).toBe('cpu');
    expect(s.provider).toBe('cpu');
    expect(Object.values(outputs)[0]!.dims).toEqual([1, 2]);
    expect(skipped).toEqual([{ provider: 'cuda', error: 'failed while running: device lost' }]);
    await s.release();
  });
});

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { choiceSetting, parseChoice } from '../config/choice-setting.ts';

/**
 * Execution providers for every ONNX model we run (document classifier, OCR): which to try, in
 * which order, and a session that proves each one on a small input before trusting it and falls
 * back to the next when one fails to load or fails while running.
 */
export const EXECUTION_PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];
/** 'auto' tries the platform's GPU providers and ends on CPU. */
export type ExecutionProviderChoice = ExecutionProvider | 'auto';

/** The environment variable that forces a provider (the setting behind `--execution-provider`). */
export const EXECUTION_PROVIDER_ENV = 'COUNTERSIGN_EXECUTION_PROVIDER';

export function parseExecutionProvider(value: string): ExecutionProviderChoice {
  // "directml" is what Windows users call it.
  if (value.trim().toLowerCase() === 'directml') return 'dml';
  return parseChoice(value, ['auto', ...EXECUTION_PROVIDERS] as const, 'execution provider');
}

/** The choice from the setting (environment), 'auto' when unset. */
export const executionProviderSetting = (env: NodeJS.ProcessEnv = process.env): ExecutionProviderChoice => choiceSetting(env, EXECUTION_PROVIDER_ENV, parseExecutionProvider, 'auto');

// Not named `require`: the bundler declares its own in the built engine host.
const requireFromHere = createRequire(import.meta.url);

function nativeDir(): string | null {
  try {
    return path.join(path.dirname(requireFromHere.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

/**
 * Providers worth trying on this machine, best first, CPU always last. CUDA only where its
 * provider library was installed (onnxruntime-node lists it even without one, and trying it then
 * only prints a native error); WebGPU is tried after the platform's own GPU path.
 */
export function candidateProviders(choice: ExecutionProviderChoice = 'auto', platform: NodeJS.Platform = process.platform): ExecutionProvider[] {
  if (choice !== 'auto') return choice === 'cpu' ? ['cpu'] : [choice, 'cpu'];
  const dir = nativeDir();
  const has = (file: string) => dir !== null && fs.existsSync(path.join(dir, file));
  const list: ExecutionProvider[] = [];
  if (platform === 'linux' && has('libonnxruntime_providers_cuda.so')) list.push('cuda');
  if (platform === 'win32' && has('DirectML.dll')) list.push('dml');
  if (platform === 'darwin') list.push('coreml');
  // WebGPU ships inside onnxruntime-node 1.30 but is opt-in: on a machine without a usable adapter it
  // fails its self-test, costing a second of start-up; `auto` tries it only where GPUs are the point.
  if (list.length > 0) list.push('webgpu');
  list.push('cpu');
  return list;
}

export interface ProviderAttempt {
  provider: ExecutionProvider;
  /** Why the provider was not used; absent for the one in use. */
  error?: string;
}

export interface SelfTest {
  /** A small fixed input, or one made for the model's input names. */
  feeds: Record<string, ort.Tensor> | ((inputNames: readonly string[]) => Record<string, ort.Tensor>);
  /** Largest absolute difference from CPU's output allowed (fp16 kernels on GPUs differ a little). */
  tolerance: number;
}

export interface ResilientSessionOptions {
  /** Providers to try in order ('cpu' is appended when missing). */
  providers: ExecutionProvider[];
  /** Intra-op threads (CPU provider). */
  threads: number;
  /** Run on each non-CPU provider before use and compared with CPU; a provider that differs is skipped. */
  selfTest?: SelfTest;
  /** Called when a provider is skipped or dropped, with the reason (for a warning or a log). */
  onFallback?: (attempt: ProviderAttempt) => void;
  /** Opens a session on one provider; tests pass one that fails on demand. */
  open?: (bytes: Uint8Array, provider: ExecutionProvider, threads: number) => Promise<ort.InferenceSession>;
}

/**
 * One model's session on the best provider that works. `run` reports the provider that actually
 * produced the output; a provider that throws while running is dropped for good and the same input
 * is run again on the next one, ending on CPU.
 */
export class ResilientSession {
  private constructor(
    private readonly bytes: Uint8Array,
    private readonly opts: ResilientSessionOptions,
    private session: ort.InferenceSession,
    private current: ExecutionProvider,
    private remaining: ExecutionProvider[],
    readonly attempts: ProviderAttempt[],
  ) {}

  static async create(bytes: Uint8Array, opts: ResilientSessionOptions): Promise<ResilientSession> {
    const order = [...opts.providers.filter((p) => p !== 'cpu'), 'cpu' as const];
    const attempts: ProviderAttempt[] = [];
    let cpuReference: ort.InferenceSession.ReturnType | null = null;
    for (let i = 0; i < order.length; i++) {
      const provider = order[i]!;
      const open = opts.open ?? openSession;
      const started = await openOn(open, bytes, provider, opts.threads, opts.selfTest, async () => {
        if (!cpuReference && opts.selfTest) {
          const cpu = await open(bytes, 'cpu', opts.threads);
          try {
            cpuReference = await cpu.run(feedsFor(opts.selfTest, cpu.inputNames));
          } finally {
            await cpu.release();
          }
        }
        return cpuReference;
      });
      if ('session' in started) {
        attempts.push({ provider });
        return new ResilientSession(bytes, opts, started.session, provider, order.slice(i + 1), attempts);
      }
      const attempt = { provider, error: started.error };
      attempts.push(attempt);
      opts.onFallback?.(attempt);
      if (provider === 'cpu') throw new Error(`The model cannot run on any execution provider: ${started.error}`);
    }
    throw new Error('unreachable: CPU is always tried');
  }

  /** The provider the next run will use. */
  get provider(): ExecutionProvider {
    return this.current;
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Record<string, ort.Tensor>): Promise<{ outputs: ort.InferenceSession.ReturnType; provider: ExecutionProvider }> {
    for (;;) {
      const provider = this.current;
      try {
        return { outputs: await this.session.run(feeds), provider };
      } catch (err) {
        const next = this.remaining.shift();
        if (!next || provider === 'cpu') throw err;
        const attempt = { provider, error: `failed while running: ${errorText(err)}` };
        this.attempts.push(attempt);
        this.opts.onFallback?.(attempt);
        await this.session.release().catch(() => {});
        // No self-test here: the next provider is proven by running the very input that failed.
        this.session = await (this.opts.open ?? openSession)(this.bytes, next, this.opts.threads);
        this.current = next;
      }
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

async function openSession(bytes: Uint8Array, provider: ExecutionProvider, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // The CPU arena stays on: without it a dense page (40 lines of 1,600 px) took 100 s instead of 9 s,
    // for a peak RSS only ~15% lower.
    enableCpuMemArena: true,
    // Memory patterns are planned and kept per input shape, and OCR's and the classifier's shapes vary with every page
    // and batch; pre-packed weights are a second copy of them. Off, the OCR bench's peak RSS fell 1,286 -> 1,010 MiB at
    // the same speed, and the classifier ran batches of 16 faster (612 -> 923 docs/s), batch 1 within 2%.
    enableMemPattern: false,
    extra: { session: { disable_prepacking: '1' } },
    // A GPU provider that cannot start logs a native error before we fall back; the fallback is the report.
    ...(provider === 'cpu' ? {} : { logSeverityLevel: 4 as const }),
  });
}

async function openOn(
  open: typeof openSession,
  bytes: Uint8Array,
  provider: ExecutionProvider,
  threads: number,
  selfTest: SelfTest | undefined,
  reference: () => Promise<ort.InferenceSession.ReturnType | null>,
): Promise<{ session: ort.InferenceSession } | { error: string }> {
  let session: ort.InferenceSession;
  try {
    session = await open(bytes, provider, threads);
  } catch (err) {
    return { error: `could not load: ${errorText(err)}` };
  }
  if (provider === 'cpu' || !selfTest) return { session };
  try {
    const [got, want] = [await session.run(feedsFor(selfTest, session.inputNames)), await reference()];
    const diff = want ? maxAbsDiff(got, want) : 0;
    if (diff > selfTest.tolerance) throw new Error(`self-test output differs from CPU by ${diff.toPrecision(3)} (tolerance ${selfTest.tolerance})`);
    return { session };
  } catch (err) {
    await session.release().catch(() => {});
    return { error: `failed its self-test: ${errorText(err)}` };
  }
}

function feedsFor(t: SelfTest, inputNames: readonly string[]): Record<string, ort.Tensor> {
  return typeof t.feeds === 'function' ? t.feeds(inputNames) : t.feeds;
}

function maxAbsDiff(a: ort.InferenceSession.ReturnType, b: ort.InferenceSession.ReturnType): number {
  let max = 0;
  for (const name of Object.keys(b)) {
    const x = a[name]?.data as ArrayLike<number> | undefined;
    const y = b[name]!.data as ArrayLike<number>;
    if (!x || x.length !== y.length) return Infinity;
    for (let i = 0; i < y.length; i++) {
      const d = Math.abs(Number(x[i]) - Number(y[i]));
      if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
    }
  }
  return max;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

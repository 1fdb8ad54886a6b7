// Times an OCR model on a fixed input on the CPU provider (1 intra-op thread, as each OCR worker
// runs it) and compares its output with a reference model's:
//   npx tsx tools/quantize-ocr/model-speed.ts <model.onnx> [reference.onnx] [--profile] [--shape 16x3x48x480]
// The default shape is a recognition batch; a detection input is e.g. 1x3x960x736.
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';

const argv = process.argv.slice(2);
const shapeAt = argv.indexOf('--shape');
const shape = (shapeAt >= 0 ? argv.splice(shapeAt, 2)[1]! : '16x3x48x480').split('x').map(Number);
const [modelPath, refPath] = argv.filter((a) => !a.startsWith('--'));
const profile = process.argv.includes('--profile');
if (!modelPath || shape.length !== 4 || shape.some((d) => !(d > 0))) throw new Error('usage: model-speed.ts <model.onnx> [reference.onnx] [--profile] [--shape BxCxHxW]');

// A page-like input: dark specks on a light ground standing in for glyphs.
const [B, , H, W] = shape as [number, number, number, number];
const input = new Float32Array(B * 3 * H * W);
for (let i = 0; i < input.length; i++) input[i] = ((i * 7919) % 97) / 97 > 0.8 ? -1 : 0.9;
const feeds = (s: ort.InferenceSession) => ({ [s.inputNames[0]!]: new ort.Tensor('float32', input, shape) });

async function open(file: string, withProfile = false) {
  return ort.InferenceSession.create(fs.readFileSync(file), { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', enableProfiling: withProfile, ...(withProfile ? { profileFilePrefix: '/tmp/int8-rec-profile' } : {}) });
}

const s = await open(modelPath, profile);
await s.run(feeds(s));
// CPU time, not wall time: the development machines are shared, and one intra-op thread makes it the work done.
const RUNS = Number(process.env.REC_SPEED_RUNS ?? 7);
const times: number[] = [];
let out: ort.Tensor | undefined;
for (let r = 0; r < RUNS; r++) {
  const c = process.cpuUsage();
  out = (await s.run(feeds(s)))[s.outputNames[0]!];
  const d = process.cpuUsage(c);
  times.push((d.user + d.system) / 1000);
}
times.sort((a, b) => a - b);
console.log(`${modelPath}: CPU median ${times[Math.floor(RUNS / 2)]!.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms for input ${shape.join('x')}`);
if (profile) console.log('profile:', s.endProfiling());
if (refPath) {
  const r = await open(refPath);
  const ref = (await r.run(feeds(r)))[r.outputNames[0]!]!;
  const a = out!.data as Float32Array;
  const b = ref.data as Float32Array;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
  if (ref.dims.length !== 3) {
    console.log(`vs ${refPath}: max |diff| ${maxDiff.toFixed(4)}`);
    process.exit(0);
  }
  // Recognition output [batch, steps, classes]: how often the decoded class is the same.
  const [, T, C] = ref.dims as number[];
  let argmaxSame = 0;
  for (let t = 0; t < B * T!; t++) {
    let ia = 0;
    let ib = 0;
    for (let c = 1; c < C!; c++) {
      if (a[t * C! + c]! > a[t * C! + ia]!) ia = c;
      if (b[t * C! + c]! > b[t * C! + ib]!) ib = c;
    }
    if (ia === ib) argmaxSame++;
  }
  console.log(`vs ${refPath}: max |diff| ${maxDiff.toFixed(4)}, same argmax at ${((argmaxSame / (B * T!)) * 100).toFixed(2)} % of steps`);
}

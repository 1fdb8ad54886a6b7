#!/usr/bin/python3
"""Makes the fused and int8 PP-OCRv4 model variants from the shipped fp32 files, with the onnx Python API only.

    /usr/bin/python3 tools/quantize-ocr/quantize.py build models/ocr-ppocrv4

writes *.fused.onnx (detection and recognition, pass 1) and ch_PP-OCRv4_rec_infer.int8.onnx (passes 1
and 2) next to the fp32 files and records them, with their SHA-256 and size, in manifest.json under
"variants". Both passes are deterministic (the same input gives the same bytes):

1. Simplify (exact up to float rounding). paddle2onnx writes PP-LCNetV3's "learnable affine blocks"
   and hard-swish as chains of scalar Mul/Add/Clip/Div that onnxruntime does not fuse (the constant
   is Mul's first input, which its Conv+Mul fusion does not look for); on the CPU provider they took
   about half of recognition time. A scale and shift after a Conv go into its weights and bias; a
   scale and shift in front of a Conv go into its weights (and its bias when it has no padding);
   x * clip(x + 3, 0, 6) / 6 becomes x * HardSigmoid(x).
2. Quantize (lossy). Every MatMul by a constant weight becomes onnxruntime's DynamicQuantizeMatMul
   (com.microsoft): the activation is quantized to uint8 per call, the weight is stored as uint8
   with a scale and zero point per output column, the product is integer and the result float.
   Weights are uint8, not int8, so the u8u8 kernels run everywhere: u8s8 can saturate on AVX2
   machines without VNNI. With --conv, 1x1 Convs become ConvInteger the same way (off by default:
   slower than fp32 Conv on onnxruntime 1.30's CPU provider; see MODEL_CARD.md).

`convert SRC DST [--simplify-only] [--conv]` runs one model through the passes, for experiments.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import onnx.version_converter
from onnx import helper, numpy_helper, TensorProto

MS_DOMAIN = 'com.microsoft'


class Graph:
    """The model's graph with constants as numpy arrays and producer/consumer lookups."""

    def __init__(self, model):
        self.model = model
        self.g = model.graph
        self.const = {}
        for init in self.g.initializer:
            self.const[init.name] = numpy_helper.to_array(init)
        keep = []
        for n in self.g.node:
            if n.op_type == 'Constant' and n.attribute[0].name == 'value':
                self.const[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
            else:
                keep.append(n)
        del self.g.initializer[:]
        del self.g.node[:]
        self.g.node.extend(keep)
        self.counter = 0

    def fresh(self, base):
        self.counter += 1
        return f'{base}__q{self.counter}'

    def consumers(self, name):
        outs = [o.name for o in self.g.output]
        return [n for n in self.g.node if name in n.input] + ([None] if name in outs else [])

    def producer(self, name):
        for n in self.g.node:
            if name in n.output:
                return n
        return None

    def scalar(self, name):
        """The value of a constant with one element, else None."""
        v = self.const.get(name)
        if v is None or v.size != 1:
            return None
        return float(v.reshape(-1)[0])

    def other_input(self, node, name):
        return node.input[1] if node.input[0] == name else node.input[0]

    def remove(self, node):
        self.g.node.remove(node)

    def rename_input(self, old, new):
        for n in self.g.node:
            for i, x in enumerate(n.input):
                if x == old:
                    n.input[i] = new
        for o in self.g.output:
            if o.name == old:
                o.name = new

    def finish(self):
        """Writes the constants actually used back as initializers (dropping folded ones)."""
        used = {i for n in self.g.node for i in n.input}
        for name in sorted(used):
            if name in self.const:
                self.g.initializer.append(numpy_helper.from_array(np.ascontiguousarray(self.const[name]), name))


def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def single_consumer(G, name, op_type):
    c = G.consumers(name)
    if len(c) == 1 and c[0] is not None and c[0].op_type == op_type:
        return c[0]
    return None


def scalar_mul_add_after(G, name):
    """Mul(name, s) then Add(_, b), each the only consumer, with scalar constants: (mul, add, s, b)."""
    mul = single_consumer(G, name, 'Mul')
    if not mul:
        return None
    s = G.scalar(G.other_input(mul, name))
    if s is None:
        return None
    add = single_consumer(G, mul.output[0], 'Add')
    if not add:
        return None
    b = G.scalar(G.other_input(add, mul.output[0]))
    if b is None:
        return None
    return mul, add, s, b


def conv_bias(G, conv):
    w = G.const[conv.input[1]]
    if len(conv.input) > 2 and conv.input[2]:
        return G.const[conv.input[2]].astype(np.float32)
    return np.zeros(w.shape[0], dtype=np.float32)


def set_conv(G, conv, w, b):
    wn, bn = G.fresh(conv.input[1]), G.fresh(conv.name or 'conv_b')
    G.const[wn] = w.astype(np.float32)
    G.const[bn] = b.astype(np.float32)
    del conv.input[1:]
    conv.input.extend([wn, bn])


def fold_affine_after_conv(G):
    """Conv -> Mul(s) -> Add(b)  ==>  Conv with weights s*W and bias s*bias + b."""
    folded = 0
    for conv in [n for n in G.g.node if n.op_type == 'Conv']:
        if conv.input[1] not in G.const:
            continue
        m = scalar_mul_add_after(G, conv.output[0])
        if not m:
            continue
        mul, add, s, b = m
        set_conv(G, conv, G.const[conv.input[1]] * s, conv_bias(G, conv) * s + b)
        G.rename_input(add.output[0], conv.output[0])
        G.remove(mul)
        G.remove(add)
        folded += 1
    return folded


def fold_affine_before_conv(G):
    """Mul(s) -> Add(b) -> Conv  ==>  Conv with weights s*W; b goes into the bias when the Conv has no
    padding, else stays as Add(b/s) in front (zero padding makes that exact)."""
    folded = 0
    for mul in [n for n in G.g.node if n.op_type == 'Mul']:
        if mul not in G.g.node:
            continue
        x = next((i for i in mul.input if i not in G.const), None)
        if x is None or G.scalar(G.other_input(mul, x)) is None:
            continue
        s = G.scalar(G.other_input(mul, x))
        add = single_consumer(G, mul.output[0], 'Add')
        if not add or s == 0:
            continue
        b = G.scalar(G.other_input(add, mul.output[0]))
        if b is None:
            continue
        conv = single_consumer(G, add.output[0], 'Conv')
        if not conv or conv.input[1] not in G.const:
            continue
        w = G.const[conv.input[1]]
        pads = attr(conv, 'pads', [0] * 4)
        no_pad = all(p == 0 for p in pads) and attr(conv, 'auto_pad', b'NOTSET') in (b'NOTSET', 'NOTSET', b'VALID', 'VALID')
        group = attr(conv, 'group', 1)
        if no_pad and group == 1:
            # conv(s*x + b) = conv_{sW}(x) + b * sum of W over its input channels and kernel.
            set_conv(G, conv, w * s, conv_bias(G, conv) + b * w.reshape(w.shape[0], -1).sum(axis=1))
            G.rename_input(add.output[0], x)
            G.remove(add)
        else:
            set_conv(G, conv, w * s, conv_bias(G, conv))
            bn = G.fresh('shift')
            G.const[bn] = np.array([b / s], dtype=np.float32)
            add.input[:] = [x, bn]
        G.remove(mul)
        folded += 1
    return folded


def clip_range(G, clip):
    """Clip's (min, max): attributes up to opset 10, constant inputs from 11."""
    if len(clip.input) == 1:
        return attr(clip, 'min'), attr(clip, 'max')
    lo = G.scalar(clip.input[1]) if len(clip.input) > 1 and clip.input[1] else None
    hi = G.scalar(clip.input[2]) if len(clip.input) > 2 and clip.input[2] else None
    return lo, hi


def fuse_hard_swish(G):
    """Add(x, 3) -> Clip(0, 6) -> Mul(x, _) -> Div(6)  ==>  Mul(x, HardSigmoid(x, 1/6, 1/2))."""
    fused = 0
    for add in [n for n in G.g.node if n.op_type == 'Add']:
        if add not in G.g.node:
            continue
        x = next((i for i in add.input if i not in G.const), None)
        if x is None or G.scalar(G.other_input(add, x)) != 3.0:
            continue
        clip = single_consumer(G, add.output[0], 'Clip')
        if not clip or clip_range(G, clip) != (0.0, 6.0):
            continue
        mul = single_consumer(G, clip.output[0], 'Mul')
        if not mul or G.other_input(mul, clip.output[0]) != x:
            continue
        div = single_consumer(G, mul.output[0], 'Div')
        if not div or div.input[0] != mul.output[0] or G.scalar(div.input[1]) != 6.0:
            continue
        hs = helper.make_node('HardSigmoid', [x], [G.fresh('hsig')], alpha=1.0 / 6.0, beta=0.5)
        new_mul = helper.make_node('Mul', [x, hs.output[0]], [div.output[0]])
        at = list(G.g.node).index(add)
        for n in (add, clip, mul, div):
            G.remove(n)
        G.g.node.insert(at, new_mul)
        G.g.node.insert(at, hs)
        fused += 1
    return fused


def quantize_uint8_per_column(w, axis):
    """Asymmetric uint8 per slice along `axis` (kept), with zero in range so padding stays exact."""
    other = tuple(i for i in range(w.ndim) if i != axis)
    lo = np.minimum(w.min(axis=other, keepdims=True), 0.0)
    hi = np.maximum(w.max(axis=other, keepdims=True), 0.0)
    scale = np.maximum((hi - lo) / 255.0, 1e-12).astype(np.float32)
    zp = np.clip(np.round(-lo / scale), 0, 255)
    q = np.clip(np.round(w / scale) + zp, 0, 255).astype(np.uint8)
    return q, scale.reshape(-1), zp.astype(np.uint8).reshape(-1)


def quantize_matmuls(G):
    """MatMul(x, W) [-> Add(bias)]  ==>  DynamicQuantizeMatMul(x, Wq, scale, zero point[, bias])."""
    done = 0
    for mm in [n for n in G.g.node if n.op_type == 'MatMul']:
        w = G.const.get(mm.input[1])
        if w is None or w.ndim != 2:
            continue
        q, scale, zp = quantize_uint8_per_column(w, axis=1)
        base = G.fresh(mm.input[1])
        G.const[base + '_q'], G.const[base + '_scale'], G.const[base + '_zp'] = q, scale, zp
        inputs = [mm.input[0], base + '_q', base + '_scale', base + '_zp']
        out = mm.output[0]
        add = single_consumer(G, out, 'Add')
        bias = G.const.get(G.other_input(add, out)) if add else None
        if add is not None and bias is not None and bias.shape == (w.shape[1],):
            inputs.append(G.other_input(add, out))
            out = add.output[0]
            G.remove(add)
        node = helper.make_node('DynamicQuantizeMatMul', inputs, [out], domain=MS_DOMAIN)
        G.g.node.insert(list(G.g.node).index(mm), node)
        G.remove(mm)
        done += 1
    return done


def quantize_pointwise_convs(G):
    """1x1 Conv (group 1)  ==>  DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul(scales) -> Add(bias)."""
    done = 0
    for conv in [n for n in G.g.node if n.op_type == 'Conv']:
        w = G.const.get(conv.input[1])
        if w is None or w.shape[2:] != (1, 1) or attr(conv, 'group', 1) != 1:
            continue
        # ConvInteger takes one weight zero point per tensor: symmetric around 128.
        m = np.abs(w).max()
        scale = np.float32(max(m / 127.0, 1e-12))
        q = np.clip(np.round(w / scale) + 128, 0, 255).astype(np.uint8)
        base = G.fresh(conv.input[1])
        G.const[base + '_q'] = q
        G.const[base + '_zp'] = np.array(128, dtype=np.uint8)
        G.const[base + '_scale'] = np.array(scale, dtype=np.float32)
        G.const[base + '_bias'] = conv_bias(G, conv).reshape(1, -1, 1, 1)
        x = conv.input[0]
        xq, xs, xz = G.fresh('xq'), G.fresh('xs'), G.fresh('xz')
        acc, accf, sc, scaled = G.fresh('acc'), G.fresh('accf'), G.fresh('sc'), G.fresh('scaled')
        kw = {a.name: helper.get_attribute_value(a) for a in conv.attribute if a.name != 'group'}
        nodes = [
            helper.make_node('DynamicQuantizeLinear', [x], [xq, xs, xz]),
            helper.make_node('ConvInteger', [xq, base + '_q', xz, base + '_zp'], [acc], **kw),
            helper.make_node('Cast', [acc], [accf], to=TensorProto.FLOAT),
            helper.make_node('Mul', [xs, base + '_scale'], [sc]),
            helper.make_node('Mul', [accf, sc], [scaled]),
            helper.make_node('Add', [scaled, base + '_bias'], [conv.output[0]]),
        ]
        at = list(G.g.node).index(conv)
        G.remove(conv)
        for n in reversed(nodes):
            G.g.node.insert(at, n)
        done += 1
    return done


def set_opsets(model, default_version, ms=False):
    keep = [o for o in model.opset_import if o.domain not in ('', 'ai.onnx', MS_DOMAIN)]
    del model.opset_import[:]
    model.opset_import.extend(keep + [helper.make_opsetid('', default_version)])
    if ms:
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))


def convert(src, dst, simplify_only=False, conv=False):
    """One model through the passes; returns what each pass changed."""
    model = onnx.load(src)
    version = max(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))
    if conv and version < 11:
        # ConvInteger needs opset 10 and DynamicQuantizeLinear 11; Clip and Slice change form there.
        model = onnx.version_converter.convert_version(model, 11)
        version = 11
    G = Graph(model)
    report = {
        'conv+affine folded': fold_affine_after_conv(G),
        'hard-swish fused': fuse_hard_swish(G),
        'affine+conv folded': fold_affine_before_conv(G),
    }
    quantized = False
    if not simplify_only:
        report['MatMul quantized'] = quantize_matmuls(G)
        if conv:
            report['1x1 Conv quantized'] = quantize_pointwise_convs(G)
        quantized = report['MatMul quantized'] > 0 or report.get('1x1 Conv quantized', 0) > 0
    G.finish()
    set_opsets(G.model, version, ms=quantized)
    G.model.producer_name = 'countersign tools/quantize-ocr/quantize.py'
    G.model.doc_string = 'PaddleOCR PP-OCRv4 (paddle2onnx), simplified' + (', int8 weights (dynamic)' if quantized else '')
    onnx.checker.check_model(G.model)
    onnx.save(G.model, dst)
    return report


def build(model_dir):
    """Writes the fused and int8 files next to the fp32 ones and records them in manifest.json."""
    path = os.path.join(model_dir, 'manifest.json')
    with open(path) as f:
        manifest = json.load(f)
    det, rec = manifest['files']['det'], manifest['files']['rec']
    out = {
        'det_fused': det.replace('.onnx', '.fused.onnx'),
        'rec_fused': rec.replace('.onnx', '.fused.onnx'),
        'rec_int8': rec.replace('.onnx', '.int8.onnx'),
    }
    jobs = [(det, out['det_fused'], True), (rec, out['rec_fused'], True), (rec, out['rec_int8'], False)]
    for src, dst, simplify_only in jobs:
        report = convert(os.path.join(model_dir, src), os.path.join(model_dir, dst), simplify_only=simplify_only)
        print(f'{dst}: ' + ', '.join(f'{k} {v}' for k, v in report.items()), file=sys.stderr)
    manifest['variants'] = {
        'fused': {'det': out['det_fused'], 'rec': out['rec_fused']},
        'int8': {'det': out['det_fused'], 'rec': out['rec_int8']},
    }
    for name in out.values():
        with open(os.path.join(model_dir, name), 'rb') as f:
            data = f.read()
        manifest['sha256'][name] = hashlib.sha256(data).hexdigest()
        manifest['sizes'][name] = len(data)
    ordered = {k: manifest[k] for k in ('name', 'version', 'files', 'variants', 'sha256', 'sizes')}
    ordered.update({k: v for k, v in manifest.items() if k not in ordered})
    with open(path, 'w') as f:
        f.write(json.dumps(ordered, indent=2) + '\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    b = sub.add_parser('build', help="make every variant's files in a model folder and update its manifest")
    b.add_argument('model_dir')
    one = sub.add_parser('convert', help='one model, for experiments')
    one.add_argument('src')
    one.add_argument('dst')
    one.add_argument('--simplify-only', action='store_true', help='the exact fp32 simplification only')
    one.add_argument('--conv', action='store_true', help='also quantize 1x1 convolutions (ConvInteger)')
    args = ap.parse_args()
    if args.cmd == 'build':
        build(args.model_dir)
    else:
        for k, v in convert(args.src, args.dst, args.simplify_only, args.conv).items():
            print(f'{k}: {v}', file=sys.stderr)


if __name__ == '__main__':
    main()

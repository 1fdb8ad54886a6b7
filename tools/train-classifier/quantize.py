"""Dynamic int8 quantization of an exported BERT graph with the `onnx` package alone.

* MatMul with a constant weight W[K, N] becomes
  DynamicQuantizeLinear(A) -> MatMulInteger(A_u8, W_s8, A_zp, 0) -> Cast(float) -> Mul(A_scale * W_scale[N]),
  the pattern ONNX Runtime fuses into DynamicQuantizeMatMul (per-column weight scales, symmetric,
  7-bit range so u8 x s8 products cannot saturate on AVX2 CPUs without VNNI).
* The word-embedding table (the bulk of the file) is stored as int8 with one scale per row and a
  DequantizeLinear feeding the Gather.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WEIGHT_MAX = 63.0  # reduce_range


def quantize(src: str, dst: str) -> dict:
    model = onnx.load(src)
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    consumers: dict[str, int] = {}
    for n in g.node:
        for i in n.input:
            consumers[i] = consumers.get(i, 0) + 1
    new_nodes = []
    new_inits = []
    drop = set()
    stats = {"matmul": 0, "gather": 0}
    for n in g.node:
        if n.op_type == "MatMul" and n.input[1] in inits and consumers.get(n.input[1]) == 1:
            w = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)
            if w.ndim != 2:
                new_nodes.append(n)
                continue
            scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / WEIGHT_MAX
            wq = np.clip(np.round(w / scale), -WEIGHT_MAX, WEIGHT_MAX).astype(np.int8)
            base = n.input[1]
            drop.add(base)
            new_inits += [numpy_helper.from_array(wq, base + "_quantized"),
                          numpy_helper.from_array(np.zeros(w.shape[1], np.int8), base + "_zero_point"),
                          numpy_helper.from_array(scale.astype(np.float32), base + "_scale")]
            a = n.input[0]
            p = n.name or base
            new_nodes += [
                helper.make_node("DynamicQuantizeLinear", [a], [f"{p}_a_u8", f"{p}_a_scale", f"{p}_a_zp"], name=f"{p}_DynQuant"),
                helper.make_node("MatMulInteger", [f"{p}_a_u8", base + "_quantized", f"{p}_a_zp", base + "_zero_point"], [f"{p}_i32"],
                                 name=f"{p}_MatMulInteger"),
                helper.make_node("Mul", [f"{p}_a_scale", base + "_scale"], [f"{p}_scale"], name=f"{p}_ScaleMul"),
                helper.make_node("Cast", [f"{p}_i32"], [f"{p}_f32"], to=TensorProto.FLOAT, name=f"{p}_Cast"),
                helper.make_node("Mul", [f"{p}_f32", f"{p}_scale"], [n.output[0]], name=f"{p}_OutMul"),
            ]
            stats["matmul"] += 1
        elif n.op_type == "Gather" and n.input[0] in inits and numpy_helper.to_array(inits[n.input[0]]).shape[0] > 1000:
            e = numpy_helper.to_array(inits[n.input[0]]).astype(np.float32)
            scale = np.maximum(np.abs(e).max(axis=1), 1e-8) / 127.0
            eq = np.clip(np.round(e / scale[:, None]), -127, 127).astype(np.int8)
            base = n.input[0]
            drop.add(base)
            new_inits += [numpy_helper.from_array(eq, base + "_quantized"),
                          numpy_helper.from_array(scale.astype(np.float32), base + "_scale"),
                          numpy_helper.from_array(np.zeros(e.shape[0], np.int8), base + "_zero_point")]
            new_nodes += [
                helper.make_node("DequantizeLinear", [base + "_quantized", base + "_scale", base + "_zero_point"], [base + "_dequantized"],
                                 axis=0, name=f"{base}_Dequant"),
                helper.make_node("Gather", [base + "_dequantized", n.input[1]], list(n.output), name=n.name, axis=0),
            ]
            stats["gather"] += 1
        else:
            new_nodes.append(n)
    kept = [t for t in g.initializer if t.name not in drop]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    del g.node[:]
    g.node.extend(new_nodes)
    if not any(o.domain in ("", "ai.onnx") and o.version >= 13 for o in model.opset_import):
        raise RuntimeError("per-axis DequantizeLinear needs opset >= 13")
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return stats

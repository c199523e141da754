// Minimal hand-written ONNX (protobuf) encoder: just enough of ModelProto / GraphProto /
// NodeProto / AttributeProto / TensorProto / ValueInfoProto to build the tiny graphs the
// benchmark feeds to onnxruntime-node (LogSoftmax, Softmax, TopK, SoftmaxCrossEntropyLoss +
// its gradient, RandomUniform-based Gumbel noise, Multinomial). No dependencies.
//
// Field numbers follow onnx/onnx.proto3 (IR version 8, opset 17).

export const DT = { FLOAT: 1, INT32: 6, INT64: 7 };
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 };

class Writer {
  constructor() { this.bytes = []; }
  varint(v) {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) { this.bytes.push(Number(n & 0x7fn) | 0x80); n >>= 7n; }
    this.bytes.push(Number(n));
    return this;
  }
  tag(field, wire) { return this.varint((field << 3) | wire); }
  int(field, v) { return this.tag(field, 0).varint(v); }
  float(field, v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.tag(field, 5); this.bytes.push(...b);
    return this;
  }
  bytesField(field, u8) {
    this.tag(field, 2).varint(u8.length);
    for (let i = 0; i < u8.length; i++) this.bytes.push(u8[i]);
    return this;
  }
  string(field, s) { return this.bytesField(field, new TextEncoder().encode(s)); }
  message(field, w) { return this.bytesField(field, w.finish()); }
  finish() { return Uint8Array.from(this.bytes); }
}

/** TensorProto with raw little-endian data. `values` is a typed array matching dataType. */
function tensorProto(name, dataType, dims, values) {
  const w = new Writer();
  for (const d of dims) w.int(1, d); // dims
  w.int(2, dataType); // data_type
  w.string(8, name); // name
  w.bytesField(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)); // raw_data
  return w;
}

function attribute(name, value) {
  const w = new Writer().string(1, name);
  if (typeof value === 'number' && Number.isInteger(value) && !Object.is(value, -0)) {
    w.int(3, value).int(20, ATTR.INT);
  } else if (typeof value === 'number') {
    w.float(2, value).int(20, ATTR.FLOAT);
  } else if (typeof value === 'bigint') {
    w.int(3, value).int(20, ATTR.INT);
  } else if (typeof value === 'string') {
    w.string(4, value).int(20, ATTR.STRING);
  } else if (Array.isArray(value) && value.every(Number.isInteger)) {
    for (const v of value) w.int(8, v);
    w.int(20, ATTR.INTS);
  } else if (Array.isArray(value)) {
    for (const v of value) w.float(7, v);
    w.int(20, ATTR.FLOATS);
  } else if (value && value.float !== undefined) {
    w.float(2, value.float).int(20, ATTR.FLOAT); // force float for integral values
  } else {
    throw new TypeError(`unsupported attribute ${name}`);
  }
  return w;
}

function valueInfo(name, elemType, shape) {
  const shapeW = new Writer();
  for (const d of shape) {
    const dim = new Writer();
    if (typeof d === 'string') dim.string(2, d); else dim.int(1, d);
    shapeW.message(1, dim);
  }
  const tensorType = new Writer().int(1, elemType).message(2, shapeW);
  const type = new Writer().message(1, tensorType);
  return new Writer().string(1, name).message(2, type);
}

/**
 * Build a serialized ONNX model.
 * @param {{nodes: {op: string, inputs: string[], outputs: string[], attrs?: object, domain?: string}[],
 *          inputs: [string, number, (number|string)[]][], outputs: [string, number, (number|string)[]][],
 *          initializers?: [string, number, number[], ArrayBufferView][], opset?: number}} g
 * @returns {Uint8Array}
 */
export function buildModel(g) {
  const graph = new Writer();
  g.nodes.forEach((n, idx) => {
    const node = new Writer();
    for (const i of n.inputs) node.string(1, i);
    for (const o of n.outputs) node.string(2, o);
    node.string(3, `${n.op}_${idx}`);
    node.string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) node.message(5, attribute(k, v));
    if (n.domain) node.string(7, n.domain);
    graph.message(1, node);
  });
  graph.string(2, 'logitkit_bench');
  for (const [name, dt, dims, vals] of g.initializers ?? []) graph.message(5, tensorProto(name, dt, dims, vals));
  for (const [name, dt, shape] of g.inputs) graph.message(11, valueInfo(name, dt, shape));
  for (const [name, dt, shape] of g.outputs) graph.message(12, valueInfo(name, dt, shape));

  const opset = new Writer().string(1, '').int(2, g.opset ?? 17);
  return new Writer()
    .int(1, 8) // ir_version
    .string(2, 'logitkit-bench') // producer_name
    .message(7, graph)
    .message(8, opset)
    .finish();
}

// ---- the graphs the benchmark uses -------------------------------------------------------

export const graphs = {
  /** y = LogSoftmax(x, axis=-1) (or Softmax). */
  softmaxLike(op, rows, cols) {
    return buildModel({
      nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs: { axis: -1 } }],
      inputs: [['x', DT.FLOAT, [rows, cols]]],
      outputs: [['y', DT.FLOAT, [rows, cols]]],
    });
  },
  /** (values, indices) = TopK(x, k) along the last axis, largest, sorted. */
  topk(rows, cols, k) {
    return buildModel({
      nodes: [{ op: 'TopK', inputs: ['x', 'k'], outputs: ['values', 'indices'], attrs: { axis: -1, largest: 1, sorted: 1 } }],
      initializers: [['k', DT.INT64, [1], BigInt64Array.of(BigInt(k))]],
      inputs: [['x', DT.FLOAT, [rows, cols]]],
      outputs: [['values', DT.FLOAT, [rows, k]], ['indices', DT.INT64, [rows, k]]],
    });
  },
  /**
   * Fused-as-ORT-can cross-entropy forward + backward (what ORT training emits):
   * [loss, logp] = SoftmaxCrossEntropyLoss(x, y, mean); grad = (exp(logp) − onehot(y)) / rows.
   */
  crossEntropyGrad(rows, cols) {
    return buildModel({
      nodes: [
        { op: 'SoftmaxCrossEntropyLoss', inputs: ['x', 'y'], outputs: ['loss', 'logp'], attrs: { reduction: 'mean' } },
        { op: 'Exp', inputs: ['logp'], outputs: ['p'] },
        { op: 'OneHot', inputs: ['y', 'depth', 'onoff'], outputs: ['onehot'], attrs: { axis: -1 } },
        { op: 'Sub', inputs: ['p', 'onehot'], outputs: ['d'] },
        { op: 'Mul', inputs: ['d', 'scale'], outputs: ['grad'] },
      ],
      initializers: [
        ['depth', DT.INT64, [], BigInt64Array.of(BigInt(cols))],
        ['onoff', DT.FLOAT, [2], Float32Array.of(0, 1)],
        ['scale', DT.FLOAT, [], Float32Array.of(1 / rows)],
      ],
      inputs: [['x', DT.FLOAT, [rows, cols]], ['y', DT.INT64, [rows]]],
      outputs: [['loss', DT.FLOAT, []], ['grad', DT.FLOAT, [rows, cols]]],
    });
  },
  /** g = −log(−log(U(0,1))) of length n, generated inside the graph (no inputs but a dummy). */
  gumbel(n) {
    return buildModel({
      nodes: [
        { op: 'RandomUniformLike', inputs: ['shape_of'], outputs: ['u'], attrs: { low: { float: 0 }, high: { float: 1 }, dtype: DT.FLOAT } },
        { op: 'Log', inputs: ['u'], outputs: ['l1'] },
        { op: 'Neg', inputs: ['l1'], outputs: ['e'] },
        { op: 'Log', inputs: ['e'], outputs: ['l2'] },
        { op: 'Neg', inputs: ['l2'], outputs: ['g'] },
      ],
      inputs: [['shape_of', DT.FLOAT, [n]]],
      outputs: [['g', DT.FLOAT, [n]]],
    });
  },
  /** Gumbel-top-k without replacement: TopK(x − log(−log U), k). */
  gumbelTopK(rows, cols, k) {
    return buildModel({
      nodes: [
        { op: 'RandomUniformLike', inputs: ['x'], outputs: ['u'], attrs: { low: { float: 0 }, high: { float: 1 }, dtype: DT.FLOAT } },
        { op: 'Log', inputs: ['u'], outputs: ['l1'] },
        { op: 'Neg', inputs: ['l1'], outputs: ['e'] },
        { op: 'Log', inputs: ['e'], outputs: ['l2'] },
        { op: 'Sub', inputs: ['x', 'l2'], outputs: ['xp'] },
        { op: 'TopK', inputs: ['xp', 'k'], outputs: ['values', 'indices'], attrs: { axis: -1, largest: 1, sorted: 1 } },
      ],
      initializers: [['k', DT.INT64, [1], BigInt64Array.of(BigInt(k))]],
      inputs: [['x', DT.FLOAT, [rows, cols]]],
      outputs: [['values', DT.FLOAT, [rows, k]], ['indices', DT.INT64, [rows, k]]],
    });
  },
  /**
   * The decoding chain as ONNX can express it, per row of logits x with histories h (int64,
   * rows × hlen): repetition penalty (GatherElements → divide positive / multiply negative →
   * ScatterElements; a repeated token gets the same value twice), temperature, TopK(k), top-p on
   * the top k (Softmax, exclusive CumSum < p: the tokens ranked before it sum to less than p, so
   * unlike sampleNext tied tokens are not kept or cut together), one Multinomial draw, the chosen
   * column's token id (GatherElements).
   */
  decodingChain(rows, cols, hlen, { k, topP, rep, temperature }) {
    return buildModel({
      nodes: [
        { op: 'GatherElements', inputs: ['x', 'h'], outputs: ['g'], attrs: { axis: 1 } },
        { op: 'Greater', inputs: ['g', 'zero'], outputs: ['pos'] },
        { op: 'Div', inputs: ['g', 'rep'], outputs: ['gd'] },
        { op: 'Mul', inputs: ['g', 'rep'], outputs: ['gm'] },
        { op: 'Where', inputs: ['pos', 'gd', 'gm'], outputs: ['pen'] },
        { op: 'ScatterElements', inputs: ['x', 'h', 'pen'], outputs: ['xp'], attrs: { axis: 1 } },
        { op: 'Div', inputs: ['xp', 'temp'], outputs: ['xt'] },
        { op: 'TopK', inputs: ['xt', 'k'], outputs: ['vals', 'idx'], attrs: { axis: -1, largest: 1, sorted: 1 } },
        { op: 'Softmax', inputs: ['vals'], outputs: ['p'], attrs: { axis: -1 } },
        { op: 'CumSum', inputs: ['p', 'axis'], outputs: ['cum'], attrs: { exclusive: 1 } },
        { op: 'Less', inputs: ['cum', 'topp'], outputs: ['keep'] },
        { op: 'Where', inputs: ['keep', 'vals', 'ninf'], outputs: ['masked'] },
        { op: 'Multinomial', inputs: ['masked'], outputs: ['s'], attrs: { sample_size: 1, dtype: DT.INT64 } },
        { op: 'GatherElements', inputs: ['idx', 's'], outputs: ['tok'], attrs: { axis: 1 } },
      ],
      initializers: [
        ['zero', DT.FLOAT, [], Float32Array.of(0)],
        ['rep', DT.FLOAT, [], Float32Array.of(rep)],
        ['temp', DT.FLOAT, [], Float32Array.of(temperature)],
        ['k', DT.INT64, [1], BigInt64Array.of(BigInt(k))],
        ['axis', DT.INT64, [], BigInt64Array.of(1n)],
        ['topp', DT.FLOAT, [], Float32Array.of(topP)],
        ['ninf', DT.FLOAT, [], Float32Array.of(-Infinity)],
      ],
      inputs: [['x', DT.FLOAT, [rows, cols]], ['h', DT.INT64, [rows, hlen]]],
      outputs: [['tok', DT.INT64, [rows, 1]]],
    });
  },
  /** One categorical draw per row from unnormalised log-probabilities (ORT's Multinomial). */
  multinomial(rows, cols, samples = 1) {
    return buildModel({
      nodes: [{ op: 'Multinomial', inputs: ['x'], outputs: ['idx'], attrs: { sample_size: samples, dtype: DT.INT32 } }],
      inputs: [['x', DT.FLOAT, [rows, cols]]],
      outputs: [['idx', DT.INT32, [rows, samples]]],
    });
  },
};

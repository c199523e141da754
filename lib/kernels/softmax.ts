// The softmax family's kernel contract: what native/bindings/softmax.cc and
// lib/reference/softmax.ts both implement. Arguments are already validated by lib/softmax.ts;
// `out` is always supplied and returned; invTemperature = 1 / temperature.

export interface SoftmaxKernels {
  logSumExp(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  softmax(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  logSoftmax(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  softmaxAsync(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Promise<Float32Array>;
  logSoftmaxAsync(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Promise<Float32Array>;
  softmaxBackward(y: Float32Array, dy: Float32Array, cols: number, out: Float32Array): Float32Array;
  sigmoid(x: Float32Array, out: Float32Array): Float32Array;
  logSigmoid(x: Float32Array, out: Float32Array): Float32Array;
  softplus(x: Float32Array, out: Float32Array): Float32Array;
  logit(x: Float32Array, out: Float32Array): Float32Array;
}

// The softmax family's kernel contract: what native/bindings/softmax.cc and
// lib/reference/softmax.ts both implement. Arguments are already validated by lib/softmax.ts;
// `out` is always supplied and returned; invTemperature = 1 / temperature.
//
// Every `...Async` method takes the arguments of its sync twin and resolves to what the sync
// twin returns. Natively it runs on libuv's thread pool over private copies of its buffers
// taken when it is called, and writes the outputs back when it completes (rejecting with
// ERR_LOGITKIT_DETACHED, writing nothing, if an output was detached meanwhile); the reference
// computes during the call and settles on a later microtask (lib/reference/kernels.ts).

export interface SoftmaxKernels {
  logSumExp(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  softmax(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  logSoftmax(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  softmaxAsync(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Promise<Float32Array>;
  logSoftmaxAsync(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Promise<Float32Array>;
  softmaxBackward(y: Float32Array, dy: Float32Array, cols: number, out: Float32Array): Float32Array;
  logSumExpAsync(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Promise<Float32Array>;
  softmaxBackwardAsync(y: Float32Array, dy: Float32Array, cols: number, out: Float32Array): Promise<Float32Array>;
  sigmoid(x: Float32Array, out: Float32Array): Float32Array;
  logSigmoid(x: Float32Array, out: Float32Array): Float32Array;
  softplus(x: Float32Array, out: Float32Array): Float32Array;
  logit(x: Float32Array, out: Float32Array): Float32Array;
}

// Text generation with logitkit's decoder: a character-level n-gram language model built here
// from a few sentences, sampled token by token with each decoding option, streamed to stdout.
//
//   npm run build
//   npx esbuild examples/generate.ts --format=esm --outfile=examples/generate.mjs && node examples/generate.mjs
//
// The model stands in for any engine (onnxruntime-node, @huggingface/transformers, your own):
// all the loop needs is a Float32Array of next-token logits per row.
import * as lk from 'logitkit';

const CORPUS = `
the quick brown fox jumps over the lazy dog. the dog sleeps in the sun and the fox runs to the woods.
a cat watches the fox from the wall. the cat thinks the fox is quick, but the dog thinks the fox is loud.
in the woods the fox finds a stream. the water is cold and clear. the fox drinks and rests under a tree.
when the sun goes down the dog wakes up. the dog looks for the fox, but the fox is gone into the night.
the night is long and quiet. the stars are bright over the woods, the wall and the sleeping cat.
`.replace(/\s+/g, ' ').trim();

const ORDER = 5; // characters of context (and shorter ones for back-off)

/** A character n-gram model with interpolated back-off: logits = log P(next | last ORDER−1 chars). */
class CharModel {
  readonly vocab: string[];
  private readonly id = new Map<string, number>();
  private readonly counts = new Map<string, Float64Array>();

  constructor(text: string) {
    this.vocab = [...new Set(text)].sort();
    this.vocab.forEach((c, i) => this.id.set(c, i));
    for (let i = 0; i < text.length; i++) {
      for (let n = 0; n < ORDER && n <= i; n++) {
        const ctx = text.slice(i - n, i);
        let c = this.counts.get(ctx);
        if (!c) this.counts.set(ctx, (c = new Float64Array(this.vocab.length)));
        c[this.id.get(text[i]) as number]++;
      }
    }
  }

  encode(s: string): number[] {
    return [...s].map((c) => this.id.get(c) ?? 0);
  }

  /** Next-character logits for each context, as one rows × vocab Float32Array. */
  logits(contexts: number[][]): Float32Array {
    const V = this.vocab.length;
    const out = new Float32Array(contexts.length * V);
    contexts.forEach((ctxIds, r) => {
      const ctx = ctxIds.slice(-(ORDER - 1)).map((i) => this.vocab[i]).join('');
      const p = new Float64Array(V).fill(1 / V);
      for (let n = 0; n <= ctx.length; n++) {
        const c = this.counts.get(ctx.slice(ctx.length - n));
        if (!c) break;
        const total = c.reduce((a, b) => a + b, 0);
        for (let j = 0; j < V; j++) p[j] = 0.25 * p[j] + 0.75 * (c[j] / total);
      }
      for (let j = 0; j < V; j++) out[r * V + j] = Math.log(p[j]);
    });
    return out;
  }
}

const model = new CharModel(CORPUS);
const V = model.vocab.length;

/** Generates `steps` characters after `prompt` with the given options, streaming them. */
function generate(label: string, prompt: string, steps: number, opts: Parameters<typeof lk.decoder>[0]): string {
  process.stdout.write(`\n${label}\n  ${prompt}`);
  const d = lk.decoder({ ...opts, prompt: [model.encode(prompt)] });
  for (let i = 0; i < steps; i++) {
    const [tok] = d.next(model.logits(d.histories), V);
    if (tok < 0) break; // nothing left to sample (every character banned or masked)
    process.stdout.write(model.vocab[tok]);
  }
  process.stdout.write('\n');
  return d.histories[0].map((i) => model.vocab[i]).join('');
}

const P = 'the fox ';
generate('greedy (temperature 0): the most probable character each step', P, 80, { temperature: 0 });
generate('temperature 1.0, seed 1', P, 80, { temperature: 1, seed: 1 });
generate('temperature 0.7, top-k 3', P, 80, { temperature: 0.7, topK: 3, seed: 2 });
generate('top-p 0.8 (nucleus)', P, 80, { topP: 0.8, seed: 3 });
generate('min-p 0.2', P, 80, { minP: 0.2, seed: 4 });
generate('repetition penalty 1.5 + frequency penalty 0.3 over the whole text so far', P, 80,
  { temperature: 0.7, repetitionPenalty: 1.5, frequencyPenalty: 0.3, seed: 5 });
generate('the letter "e" banned, a bias towards "z"', P, 80,
  { temperature: 0.8, bannedTokens: model.encode('e'), logitBias: { [model.encode('z')[0]]: 2 }, seed: 6 });

// Reproducible per-request streams: three requests in one batch, each with its own Rng; row 1
// samples the same characters as when it runs alone with the same seed.
process.stdout.write('\na batch of three requests, one Rng each (the same text as each alone)\n');
const prompts = ['the cat ', 'the dog ', 'the sun '];
const rngs = prompts.map((_, i) => new lk.Rng(100 + i));
const batch = lk.decoder({ temperature: 0.9, topP: 0.95, rngs, prompt: prompts.map((p) => model.encode(p)) });
for (let i = 0; i < 60; i++) batch.next(model.logits(batch.histories), V);
batch.histories.forEach((h) => process.stdout.write(`  ${h.map((i) => model.vocab[i]).join('')}\n`));

// Log-probabilities as a serving API returns them: the chosen token and the top alternatives.
const ctx = [model.encode('the quick brown ')];
const r = lk.sampleNext(model.logits(ctx), V, { temperature: 0.8, topP: 0.9, seed: 7, topLogProbs: 3 });
const show = (i: number, lp: number) => `${JSON.stringify(model.vocab[i] ?? '')} ${lp.toFixed(3)}`;
process.stdout.write(`\nafter "the quick brown ": chose ${show(r.tokens[0], r.logProbs[0])}; top: ${
  Array.from(r.top!.indices, (i, j) => show(i, r.top!.logProbs[j])).join(', ')}\n`);

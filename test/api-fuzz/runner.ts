// Child process of test/api-fuzz.test.ts: runs cases [from, to) of cases.ts and writes one line
// per case to stdout ("S <i>" before the call, then "R <json>"), synchronously, so that the
// parent knows which case was running if the process dies.
import { writeSync } from 'node:fs';
import { buildCases, GETTER_ERROR, SPEC_BY_NAME } from './cases.js';

const cases = buildCases();
const from = Number(process.argv[2] ?? 0), to = Math.min(cases.length, Number(process.argv[3] ?? cases.length));

/** Every typed array reachable from the arguments (own data properties, depth ≤ 3). */
function views(v: unknown, depth = 0, acc: ArrayBufferView[] = []): ArrayBufferView[] {
  if (ArrayBuffer.isView(v)) acc.push(v);
  else if (v && typeof v === 'object' && depth < 3 && !(v instanceof Promise)) {
    for (const k of Object.keys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (d && 'value' in d) views(d.value, depth + 1, acc);
    }
  }
  return acc;
}
const bytes = (v: ArrayBufferView) => (v.byteLength ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice() : new Uint8Array(0));

async function main() {
  for (let i = from; i < to; i++) {
    writeSync(1, `S ${i}\n`);
    const c = cases[i];
    const res: Record<string, unknown> = { i };
    let args: any[];
    try {
      args = c.make();
    } catch (e) {
      res.outcome = 'setup-failed';
      res.message = String((e as Error)?.message ?? e);
      writeSync(1, `R ${JSON.stringify(res)}\n`);
      continue;
    }
    const snap = views(args).map((v) => [v, bytes(v)] as const);
    try {
      const spec = SPEC_BY_NAME.get(c.spec);
      const r = c.arg === -2 ? args[0]() : spec!.call(args);
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([r, new Promise((_, rej) => { timer = setTimeout(() => rej(Object.assign(new Error('timeout 10 s'), { hang: true })), 10_000); })]);
        clearTimeout(timer);
      }
      res.outcome = 'ok';
    } catch (e: any) {
      res.outcome = e?.hang ? 'hang' : 'throw';
      res.getter = e === GETTER_ERROR;
      res.cls = e?.constructor?.name ?? typeof e;
      res.code = e?.code;
      res.message = String(e?.message ?? e).slice(0, 300);
      res.wrote = snap.some(([v, b]) => {
        if (v.byteLength !== b.length) return false;  // detached since (transferred): not a write
        const now = bytes(v);
        return now.some((x, j) => x !== b[j]);
      });
    }
    writeSync(1, `R ${JSON.stringify(res)}\n`);
  }
  process.exit(0);
}
main();

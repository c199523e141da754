// Loads the addon with node-gyp-build (build/Release, then prebuilds/<platform>-<arch>/).
// When it is missing or refuses to load, logitkit runs on the TypeScript reference and says
// so once, with the reason and what to do about it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './kernels.js';

/** Bumped whenever the binding's calling convention changes: a stale binary is refused. */
export const ABI_VERSION = 1;

function packageRoot(): string {
  let dir = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'logitkit') return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the logitkit package root');
    dir = up;
  }
}

export interface LoadResult {
  binding: NativeBinding | null;
  /** Why the binding is null: undefined when native loaded or js was asked for. */
  error?: string;
  requested: 'auto' | 'js' | 'native';
}

function explain(err: unknown, root: string): string {
  const detail = err instanceof Error ? err.message : String(err);
  return [
    `logitkit: the native addon could not be loaded, so the TypeScript reference is used (same results, slower).`,
    `  tried: LOGITKIT_PREBUILD, ${join(root, 'build', 'Release')}, ${join(root, 'prebuilds', `${process.platform}-${process.arch}`)}`,
    `  error: ${detail.split('\n')[0]}`,
    `  fixes: reinstall logitkit so its prebuilt binary for ${process.platform}-${process.arch} is present;`,
    `         or build from source: npm install-scripts approve logitkit && npm rebuild logitkit (needs g++ and python3);`,
    `         or set LOGITKIT_BACKEND=js to use the reference without this warning.`,
  ].join('\n');
}

function load(): LoadResult {
  const env = (process.env.LOGITKIT_BACKEND ?? 'auto').toLowerCase();
  const requested = env === 'js' ? 'js' : env === 'native' ? 'native' : 'auto';
  if (requested === 'js') return { binding: null, requested };
  let root = '';
  try {
    root = packageRoot();
    const req = createRequire(join(root, 'package.json'));
    const loadBinding = req('node-gyp-build') as (dir: string) => unknown;
    const binding = loadBinding(root) as NativeBinding;
    if (binding.abiVersion !== ABI_VERSION) {
      throw new Error(`stale native build: binding ABI ${String(binding.abiVersion)}, this logitkit needs ${ABI_VERSION}`);
    }
    return { binding, requested };
  } catch (err) {
    const message = explain(err, root);
    if (requested === 'native') {
      const e = new Error(message) as Error & { code: string };
      e.code = 'ERR_LOGITKIT_NATIVE_UNAVAILABLE';
      throw e;
    }
    process.emitWarning(message, { code: 'LOGITKIT_NATIVE_UNAVAILABLE' });
    return { binding: null, error: message, requested };
  }
}

export const loaded: LoadResult = load();
export const native: NativeBinding | null = loaded.binding;

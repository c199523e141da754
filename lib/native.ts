// Loads the addon with node-gyp-build: $LOGITKIT_PREBUILD, then build/Release and build/Debug
// (skipped with PREBUILDS_ONLY=1), then prebuilds/<platform>-<arch>/ in the package, then
// prebuilds/ next to the node executable. When no binary loads, logitkit runs on the
// TypeScript reference and says so ONCE per process (process.emitWarning, code
// LOGITKIT_NATIVE_UNAVAILABLE) with what was tried, the original error and concrete fixes.
// LOGITKIT_BACKEND=native turns the warning into an error (ERR_LOGITKIT_NATIVE_UNAVAILABLE);
// LOGITKIT_BACKEND=js skips the addon silently.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './kernels/index.js';

/** Bumped whenever the binding's calling convention changes: a stale binary is refused. */
export const ABI_VERSION = 3;

/** Why the addon did not load (stable values; the message carries the details). */
export type LoadFailure =
  | 'not-found' // no binary for this platform in any searched place
  | 'load-error' // a binary was found but the dynamic loader refused it
  | 'stale' // the binary loaded but was built from other sources (ABI_VERSION mismatch)
  | 'init-error' // the binary loaded but its initialisation threw (a family's kernel table left incomplete)
  | 'no-package-root'; // the package's own files could not be located

export interface LoadResult {
  binding: NativeBinding | null;
  /**
   * Why the binding is null: the full diagnostic (what was tried, the error, the fixes).
   * Undefined when native loaded or LOGITKIT_BACKEND=js was asked for.
   */
  error?: string;
  /** The failure class when the binding is null and js was not asked for. */
  failure?: LoadFailure;
  /** The original error message (first line), when loading failed. */
  cause?: string;
  /** The binary that was loaded, or that failed to load. */
  path?: string;
  /** The places searched, in order, each with what was found there. */
  tried: string[];
  requested: 'auto' | 'js' | 'native';
}

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
    if (up === dir) throw new Error('cannot find the logitkit package root (no package.json named "logitkit" above this file)');
    dir = up;
  }
}

const tuple = `${process.platform}-${process.arch}`;
const SHIPPED = 'linux-x64'; // the prebuilds the published package carries

function listNode(dir: string): string {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return 'no such directory';
  }
  const nodes = files.filter((f) => f.endsWith('.node'));
  return nodes.length ? nodes.join(', ') : 'no .node file';
}

/** node-gyp-build's search order, with what each place holds (for the diagnostic only). */
function searched(root: string): string[] {
  const lines: string[] = [];
  const override = process.env.LOGITKIT_PREBUILD;
  const dir = override || root;
  if (override) lines.push(`LOGITKIT_PREBUILD=${override} (replaces the package directory below)`);
  if (process.env.PREBUILDS_ONLY) {
    lines.push(`${join(dir, 'build', 'Release')}, ${join(dir, 'build', 'Debug')}: skipped (PREBUILDS_ONLY is set)`);
  } else {
    lines.push(`${join(dir, 'build', 'Release')}: ${listNode(join(dir, 'build', 'Release'))}`);
    lines.push(`${join(dir, 'build', 'Debug')}: ${listNode(join(dir, 'build', 'Debug'))}`);
  }
  lines.push(`${join(dir, 'prebuilds', tuple)}: ${listNode(join(dir, 'prebuilds', tuple))}`);
  const nearby = join(dirname(process.execPath), 'prebuilds', tuple);
  lines.push(`${nearby}: ${listNode(nearby)}`);
  return lines;
}

function fixes(failure: LoadFailure, cause: string, path: string | undefined, root: string): string[] {
  const fromSource = 'build from source (needs g++, make and python3): npm install-scripts approve logitkit && npm rebuild logitkit';
  const silence = 'or set LOGITKIT_BACKEND=js to use the TypeScript reference without this warning';
  const out: string[] = [];
  switch (failure) {
    case 'init-error':
      out.push(/kernel table incomplete/.test(cause) ? `the binary ${path ?? ''} is incomplete (a kernel family was not registered for every tier): rebuild it, or ${fromSource}` : 'check the logitkit environment variables');
      break;
    case 'stale':
      out.push(`the binary ${path ?? ''} was built from other logitkit sources: delete it (or the build/ folder) and reinstall, or ${fromSource}`);
      break;
    case 'load-error':
      if (process.execArgv.includes('--no-addons') || /addons is disabled|--no-addons/i.test(cause)) {
        out.push('node runs with --no-addons (or NODE_OPTIONS has it): drop the flag to use the native backend');
      } else if (/GLIBC_|GLIBCXX_|CXXABI_/.test(cause)) {
        out.push('this binary needs a newer glibc/libstdc++ than the system has: upgrade the OS, or ' + fromSource);
      } else if (path && /[\\/]build[\\/](Release|Debug)[\\/]/.test(path)) {
        out.push(`a local build shadows the prebuild: delete ${dirname(dirname(path))} or set PREBUILDS_ONLY=1, or rebuild it`);
      } else {
        out.push(`the binary is damaged or for another platform: reinstall logitkit (rm -rf node_modules/logitkit && npm install), or ${fromSource}`);
      }
      break;
    case 'not-found':
      if (process.env.LOGITKIT_PREBUILD) {
        // The override replaces the package directory, so the package's own prebuild was never
        // looked at: the variable is the first thing to fix.
        const dir = process.env.LOGITKIT_PREBUILD;
        const state = existsSync(dir) ? `has no prebuilds/${tuple}/*.node` : 'does not exist';
        out.push(`LOGITKIT_PREBUILD=${dir} ${state}: point it at the directory that contains prebuilds/${tuple}/, or unset it to load the binary shipped in ${join(root, 'prebuilds', tuple)}`);
      }
      if (tuple !== SHIPPED) {
        out.push(`logitkit ships a prebuilt binary for ${SHIPPED} only; on ${tuple} ${fromSource}`);
      } else {
        out.push(`${out.length ? 'or ' : ''}reinstall logitkit so that ${join(root, 'prebuilds', tuple)} is present (a bundler or a "files" filter may have dropped it; copy that folder along, or point LOGITKIT_PREBUILD at a directory that holds prebuilds/${tuple}/)`);
        out.push(`or ${fromSource}`);
      }
      break;
    case 'no-package-root':
      out.push('logitkit was bundled without its package.json: keep node_modules/logitkit intact, or mark logitkit as external in the bundler');
      break;
  }
  out.push(silence);
  return out;
}

function message(r: Required<Pick<LoadResult, 'failure' | 'cause' | 'tried' | 'requested'>> & { path?: string }, root: string): string {
  const what =
    r.requested === 'native'
      ? 'the native addon could not be loaded and LOGITKIT_BACKEND=native forbids the fallback.'
      : 'the native addon could not be loaded, so the TypeScript reference is used (same results, slower).';
  const fx = fixes(r.failure, r.cause, r.path, root);
  return [
    `logitkit: ${what}`,
    `  reason: ${r.failure}${r.path ? ` (${r.path})` : ''}`,
    `  error: ${r.cause}`,
    `  tried, in order (node-gyp-build on ${tuple}, node ${process.version}, napi ${process.versions.napi ?? '?'}):`,
    ...r.tried.map((t) => `    - ${t}`),
    `  fixes:`,
    ...fx.map((f) => `    - ${f}`),
  ].join('\n');
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();

// Both dist/index.js and dist/index.cjs carry this module; one warning per process is enough.
const WARNED = Symbol.for('logitkit.native-unavailable-warned');
const ISA_WARNED = Symbol.for('logitkit.isa-warned');

function load(): LoadResult {
  const raw = (process.env.LOGITKIT_BACKEND ?? '').trim().toLowerCase();
  const requested = raw === 'js' ? 'js' : raw === 'native' ? 'native' : 'auto';
  if (raw !== '' && raw !== 'auto' && requested === 'auto') {
    process.emitWarning(`LOGITKIT_BACKEND=${process.env.LOGITKIT_BACKEND} is not one of auto, native, js; using auto`, {
      code: 'LOGITKIT_BAD_ENV',
    });
  }
  if (requested === 'js') return { binding: null, requested, tried: [] };

  let root = '';
  let failure: LoadFailure = 'not-found';
  let path: string | undefined;
  let cause = '';
  let tried: string[] = [];
  try {
    try {
      root = packageRoot();
    } catch (err) {
      failure = 'no-package-root';
      throw err;
    }
    tried = searched(root);
    const req = createRequire(join(root, 'package.json'));
    const ngb = req('node-gyp-build') as { path(dir: string): string };
    path = ngb.path(root); // throws "No native build was found for platform=… arch=… …"
    let binding: NativeBinding;
    try {
      binding = req(path) as NativeBinding;
    } catch (err) {
      const code = (err as { code?: string }).code;
      failure = code === 'ERR_LOGITKIT_BAD_ENV' || code === 'ERR_LOGITKIT_INCOMPLETE_DISPATCH' ? 'init-error' : 'load-error';
      throw err;
    }
    if (binding.abiVersion !== ABI_VERSION) {
      failure = 'stale';
      throw new Error(`stale native build: binding ABI ${String(binding.abiVersion)}, this logitkit needs ${ABI_VERSION}`);
    }
    const g = globalThis as { [ISA_WARNED]?: boolean };
    if (binding.initWarning && !g[ISA_WARNED]) {
      g[ISA_WARNED] = true;
      process.emitWarning(`LOGITKIT_ISA=${process.env.LOGITKIT_ISA}: ${binding.initWarning}`, { code: 'LOGITKIT_BAD_ENV' });
    }
    return { binding, requested, path, tried };
  } catch (err) {
    cause = firstLine(err);
    const error = message({ failure, cause, tried, requested, path }, root);
    if (requested === 'native') {
      const e = new Error(error) as Error & { code: string; failure: LoadFailure; cause: unknown };
      e.code = 'ERR_LOGITKIT_NATIVE_UNAVAILABLE';
      e.failure = failure;
      e.cause = err;
      throw e;
    }
    const g = globalThis as { [WARNED]?: boolean };
    if (!g[WARNED]) {
      g[WARNED] = true;
      process.emitWarning(error, { code: 'LOGITKIT_NATIVE_UNAVAILABLE' });
    }
    return { binding: null, error, failure, cause, path, tried, requested };
  }
}

export const loaded: LoadResult = load();
export const native: NativeBinding | null = loaded.binding;

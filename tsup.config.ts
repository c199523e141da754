import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'lib/index.ts', 'reference/index': 'lib/reference/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
    clean: true,
    target: 'node20',
    sourcemap: false,
    splitting: false,
  },
  {
    // The `logitkit` command (package.json "bin"): one ESM file, the library bundled in.
    entry: { cli: 'lib/cli/index.ts' },
    format: ['esm'],
    dts: false,
    shims: true,
    clean: false,
    target: 'node20',
    sourcemap: false,
    splitting: false,
  },
]);

#!/usr/bin/env node
// The `logitkit` command: subcommands over the library (npx logitkit word2vec ...).
import { main as word2vec } from './word2vec.js';

const [cmd, ...rest] = process.argv.slice(2);
const usage = 'usage: logitkit word2vec [options]   (logitkit word2vec --help for the options)';

async function run(): Promise<number> {
  if (cmd === 'word2vec') return word2vec(rest);
  if (cmd === undefined || cmd === '--help' || cmd === '-h') { process.stdout.write(`${usage}\n`); return cmd === undefined ? 2 : 0; }
  process.stderr.write(`logitkit: unknown command '${cmd}'\n${usage}\n`);
  return 2;
}

run().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`logitkit: ${(e as Error)?.message ?? String(e)}\n`);
  process.exitCode = 1;
});

import { MODEL_NAMES } from '../check/history.js';

/**
 * Each command's one-line synopsis, kept apart from the commands so that `raftsim --help` and a
 * bad command line load nothing else (a command's module loads only when it runs).
 */
export const RUN_HELP =
  'raftsim run --seed N [--nodes 3..7] [--clerks 3] [--time 20s] [--profile unreliable] [--mutant Z10] [--without G5,G1] [--trace out.ndjson|-] [--history out.json|-] [--minority-trial] [--json]';
export const CHECK_HELP = `raftsim check <history-file> [--model ${MODEL_NAMES.join('|')}] [--budget N] [--time 30s] [--json]`;
export const FUZZ_HELP =
  'raftsim fuzz [--runs N | --time 60s] [--seed N] [--nodes 3..7] [--mode schedule|swarm|guided] [--workers N] [--shard i/n] [--mutant Z10] [--without G5,G1] [--check-budget N] [--shrink-budget 300] [--shrink-time 60s] [--reports dir] [--no-coverage] [--no-minority-trials] [--corpus file|none] [--save-corpus file] [--json]';
export const REPLAY_HELP =
  'raftsim replay <repro.json> [--trace out.ndjson|-] [--html out.html|-] [--expect-same-trace] [--without G5,G1] [--json]';
export const MUTANTS_HELP =
  'raftsim mutants [--time-per-mutant 30s] [--only Z03,Z10] [--mode swarm|schedule|guided] [--seed N] [--workers N] [--shrink-budget 300] [--shrink-time 60s] [--save-repros dir] [--reports dir] [--without G5,G1] [--no-minority-trials] [--corpus file|none] [--json]';
export const BENCH_HELP = 'raftsim bench [--json] [--quick] [--only suite,...] [--checker-scaling]';

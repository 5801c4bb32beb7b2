/**
 * What bounds and seeds the fuzz loops (fuzzProject, fuzzServer), one setting for both: CI runs each for
 * MIXEL_FUZZ_SECONDS (60 by default); MIXEL_FUZZ_CASES caps the cases; MIXEL_FUZZ_SEED replays a run.
 */
export const FUZZ_SECONDS = Number(process.env.MIXEL_FUZZ_SECONDS ?? 60);
export const FUZZ_MAX_CASES = Number(process.env.MIXEL_FUZZ_CASES ?? 100_000);
export const FUZZ_SEED = Number(process.env.MIXEL_FUZZ_SEED ?? 20_261_127);

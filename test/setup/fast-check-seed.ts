import fc from 'fast-check';

// Property tests take their seed from CAPI_GEN_SEED so that CI runs are reproducible
// (.ci/run pins it). A failing run prints the seed and path; replay with
//   CAPI_GEN_SEED=<seed> pnpm test
const raw = process.env['CAPI_GEN_SEED'];
const seed = raw === undefined || raw === '' ? undefined : Number(raw);
if (seed !== undefined && !Number.isInteger(seed)) {
  throw new Error(`CAPI_GEN_SEED must be an integer, got "${raw}"`);
}
fc.configureGlobal({
  ...(seed === undefined ? {} : { seed }),
  numRuns: Number(process.env['CAPI_GEN_RUNS'] ?? 100),
});

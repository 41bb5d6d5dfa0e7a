// Test helpers published as @capi-gen/core/testing: arbitraries built from the CRD schemas
// and single-point mutations with the path where a finding must appear; clusterctl's envsubst.
export { envsubst } from './envsubst.ts';
export { arbitraryFromSchema, valueArb, type SchemaArbitraryOptions, type SchemaNode } from './schema-arbitrary.ts';
export { listMutations, type Mutation } from './mutations.ts';
export { arbitraryClusterSpec, renderTargets, type RenderTarget, type SpecArbitraryOptions } from './spec-arbitrary.ts';

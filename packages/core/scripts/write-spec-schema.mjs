// Writes packages/core/cluster-spec.schema.json: the JSON Schema of the cluster spec, exactly
// what `capi-gen schema` prints (test/render/schema.test.ts compares the two). Editors use it:
//   # yaml-language-server: $schema=../packages/core/cluster-spec.schema.json
// The schema is the TypeBox value in src/model/cluster-spec.ts, read from source through tsx.
//
//   node packages/core/scripts/write-spec-schema.mjs           rewrite the file
//   node packages/core/scripts/write-spec-schema.mjs --check   exit 1 when the file is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const pkgDir = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(pkgDir, 'cluster-spec.schema.json');

register();
const { ClusterSpecSchema } = await import(pathToFileURL(join(pkgDir, 'src', 'model', 'cluster-spec.ts')).href);
// The same text as packages/cli/src/commands/schema.ts: 2-space indent and a final newline.
const text = `${JSON.stringify(ClusterSpecSchema, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    // Missing counts as stale.
  }
  if (current !== text) {
    console.error(`${out} is stale; run node packages/core/scripts/write-spec-schema.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}

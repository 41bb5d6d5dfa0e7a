// `capi-gen schema`: the JSON Schema of the cluster spec, for editors
// (`# yaml-language-server: $schema=...`) and for IaC code that checks specs itself.
// packages/core/cluster-spec.schema.json holds the same text (a test compares them).
import { ClusterSpecSchema } from '@capi-gen/core';

/** The JSON Schema text: 2-space indent and a final newline. TypeBox's symbol keys do not survive JSON. */
export function renderSpecSchema(): string {
  return `${JSON.stringify(ClusterSpecSchema, null, 2)}\n`;
}

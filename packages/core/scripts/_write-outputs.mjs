// The write-or-check step of core's generators (write-spec-schema.mjs,
// write-precompiled-templates.mjs): with --check, exit 1 naming each stale output and the
// command that rewrites it; otherwise write every output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

/**
 * @param {readonly (readonly [file: string, text: string, note?: string])[]} outputs
 * @param {string} command what rewrites them, for the stale message
 */
export function writeOrCheck(outputs, command) {
  if (process.argv.includes('--check')) {
    let stale = false;
    for (const [file, text] of outputs) {
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        // Missing counts as stale.
      }
      if (current !== text) {
        console.error(`${relative(process.cwd(), file)} is stale; run ${command}`);
        stale = true;
      }
    }
    if (stale) process.exit(1);
  } else {
    for (const [file, text, note] of outputs) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${relative(process.cwd(), file)}${note === undefined ? '' : ` (${note})`}`);
    }
  }
}

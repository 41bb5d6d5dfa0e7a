// The one Handlebars environment of capi-gen. Templates only interpolate; values enter YAML
// only through these helpers, which emit JSON (a YAML subset) so that no user string can
// change the structure of the document or be read as another type:
//   {{q x}}     a string, double-quoted          {{int x}}   an integer
//   {{bool x}}  true/false                       {{json x}}  any value as a flow collection
// Raw `{{x}}` interpolation of a value is refused at render time (see `checkRawUse`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

const hb = Handlebars.create();

function requireDefined(name: string, v: unknown): void {
  if (v === undefined) throw new Error(`helper ${name}: value is undefined (is the key in the view model?)`);
}

hb.registerHelper('q', (v: unknown) => {
  requireDefined('q', v);
  if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`helper q: expected a string, got ${typeof v}`);
  return new hb.SafeString(JSON.stringify(String(v)));
});
hb.registerHelper('int', (v: unknown) => {
  requireDefined('int', v);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`helper int: expected an integer, got ${JSON.stringify(v)}`);
  return new hb.SafeString(String(v));
});
hb.registerHelper('bool', (v: unknown) => {
  requireDefined('bool', v);
  if (typeof v !== 'boolean') throw new Error(`helper bool: expected a boolean, got ${JSON.stringify(v)}`);
  return new hb.SafeString(String(v));
});
hb.registerHelper('json', (v: unknown) => {
  requireDefined('json', v);
  return new hb.SafeString(JSON.stringify(v));
});
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));

// A mustache that is neither a helper call nor a block: `{{name}}`, `{{spec.name}}`.
// Such raw interpolation is exactly what the helpers exist to prevent.
function checkRawUse(source: string, file: string): void {
  const ast = hb.parse(source);
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === 'MustacheStatement') {
      const m = node as hbs.AST.MustacheStatement;
      if (m.params.length === 0 && m.path.type === 'PathExpression') {
        throw new Error(`${file}:${m.loc.start.line}: raw {{${(m.path as hbs.AST.PathExpression).original}}}; use {{q ...}}, {{int ...}}, {{bool ...}} or {{json ...}}`);
      }
    }
    for (const key of ['body', 'program', 'inverse'] as const) {
      const child = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(child)) child.forEach((c) => visit(c as hbs.AST.Node));
      else if (child !== null && typeof child === 'object') visit(child as hbs.AST.Node);
    }
  };
  visit(ast);
}

const cache = new Map<string, HandlebarsTemplateDelegate>();
const partialSources = new Map<string, string>();

/**
 * Makes `{{> name}}` available for every `<dir>/*.hbs` file (name = file name without .hbs).
 * Partials are templates too: the same raw-interpolation check applies.
 */
export function registerPartials(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.hbs')).sort()) {
    const name = f.slice(0, -'.hbs'.length);
    const source = readFileSync(join(dir, f), 'utf8');
    if (partialSources.get(name) === source) continue;
    checkRawUse(source, join(dir, f));
    partialSources.set(name, source);
    hb.registerPartial(name, source);
  }
}

/** Renders one template source with the view model (strict: a missing key is an error). */
export function renderTemplate(source: string, file: string, view: object): string {
  let t = cache.get(source);
  if (t === undefined) {
    checkRawUse(source, file);
    t = hb.compile(source, { strict: true, noEscape: true });
    cache.set(source, t);
  }
  return t(view);
}

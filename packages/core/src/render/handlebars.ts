// The one Handlebars environment of capi-gen. Templates only interpolate; values enter YAML
// only through these helpers, which emit JSON (a YAML subset) so that no user string can
// change the structure of the document or be read as another type:
//   {{q x}}     a string, double-quoted          {{int x}}   an integer
//   {{bool x}}  true/false                       {{json x}}  any value as a flow collection
// Raw `{{x}}` interpolation of a value is refused at render time (see `checkRawUse`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { PRECOMPILED } from './_gen/precompiled-templates.ts';

const hb = Handlebars.create();

// The options every template and partial is compiled with. A partial registered as text is
// compiled on first use with the options of the template that calls it, so these apply to
// partials too (and to the precompiled ones, see precompileTemplate).
const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

/** A precompiled template spec (what Handlebars.precompile writes as code). */
type TemplateSpec = Parameters<typeof hb.template>[0];

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
    const spec = PRECOMPILED.get(source) as TemplateSpec | undefined;
    if (spec === undefined) checkRawUse(source, join(dir, f));
    partialSources.set(name, source);
    // why: a built-in partial was checked and compiled when the precompiled file was written.
    hb.registerPartial(name, spec === undefined ? source : hb.template(spec));
  }
}

/** Renders one template source with the view model (strict: a missing key is an error). */
export function renderTemplate(source: string, file: string, view: object): string {
  let t = cache.get(source);
  if (t === undefined) {
    // why: compiling the built-in templates was about a tenth of a cold `capi-gen render`;
    // src/render/_gen/precompiled-templates.ts has them compiled (and checked) ahead of time,
    // keyed by their exact text. Any other text (custom flavors, edited files) is compiled here.
    const spec = PRECOMPILED.get(source) as TemplateSpec | undefined;
    if (spec !== undefined) t = hb.template(spec) as HandlebarsTemplateDelegate;
    else {
      checkRawUse(source, file);
      t = hb.compile(source, COMPILE_OPTIONS);
    }
    cache.set(source, t);
  }
  return t(view);
}

/**
 * The code of a template spec for src/render/_gen/precompiled-templates.ts (written by
 * scripts/write-precompiled-templates.mjs): the template checked as {@link renderTemplate}
 * checks it, then compiled with the same options. For templates and partials alike.
 */
export function precompileTemplate(source: string, file: string): string {
  checkRawUse(source, file);
  return hb.precompile(source, COMPILE_OPTIONS) as string;
}

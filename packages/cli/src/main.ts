// The capi-gen command line: argv -> command -> output -> exit code.
// This is the only module that touches process.argv, stdin/stdout/stderr and process.exitCode;
// commands return values and renderers return strings.
//
// Exit codes (house style 6.6):
//   0  every document is valid (warnings allowed); render/schema succeeded
//   1  at least one finding of severity error in the user's manifests
//   2  usage error, unreadable input, invalid spec, refused option, or capi-gen itself failed
import { fileURLToPath } from 'node:url';
import {
  clusterctlTemplateMode,
  defineCommand,
  EXIT_FINDINGS,
  EXIT_OK,
  EXIT_USAGE,
  fail,
  failed,
  noPositionals,
  notEmpty,
  oneOf,
  onePositional,
  printedOrWritten,
  UsageError,
  type Command,
} from './args.ts';

// Replaced at bundle time by scripts/build.mjs with the version in package.json.
declare const CAPI_GEN_VERSION: string;

const USAGE = 'usage: capi-gen validate <file|dir|->... [--format text|json] [--placeholders auto|on|off] [--quiet]';
const RENDER_USAGE =
  'usage: capi-gen render <spec.yaml|-> [-o <dir>] [--contract v1beta1|v1beta2] [--infrastructure-contract v1beta1|v1beta2] [--templates <dir>] [--no-hardening]';
const SCHEMA_USAGE = 'usage: capi-gen schema';
// The usage line of capi-gen itself, for problems that are not about one command.
const GENERAL_USAGE = 'usage: capi-gen <render|validate|schema|manager-patches|harden|lint|cloud-init> [options] | capi-gen --help | capi-gen --version';

// The built-in flavors, copied beside the bundle by scripts/build.mjs (dist/templates/). This
// module is the bundle's entry (dist/capi-gen.js), so the path is relative to it; the bundled
// library cannot find @capi-gen/templates through package resolution once installed alone.
const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

const HELP = `capi-gen: Cluster API manifests, validated the way kube-apiserver would validate them.

Usage:
  capi-gen <command> [options]

Commands:
  render           render a cluster spec into hardened, validated Cluster API manifests
  validate         check manifests against the vendored Cluster API CRDs
  schema           print the JSON Schema of the cluster spec
  manager-patches  leader-election timings for the management cluster's manager Deployments
  harden           add the hardening to manifests you already have, keeping what you wrote
  lint             find broken or unhardened Cluster API manifests and clusterctl templates (CI)
  cloud-init       print the user-data the bootstrap provider builds for a machine (init, join, worker)

Options:
  -h, --help       show this help (also: capi-gen <command> --help)
  --version        print the version

Exit codes: 0 valid, 1 findings of severity error, 2 usage error, unreadable input,
            invalid spec or refused option.
`;

const RENDER_HELP = `Usage:
  capi-gen render <spec.yaml|-> [options]

Renders a cluster spec (one YAML or JSON document; - reads stdin) with its flavor into every
Cluster API object the cluster needs, converted to the asked contracts, hardened, and validated
against the vendored CRDs. Prints one multi-document YAML stream on stdout.

Options:
  -o, --output <dir>                 write one file per object instead, <NN>-<kind>-<name>.yaml
                                     (NN: output order); the directory is created if missing
  --contract v1beta1|v1beta2         CAPI core/bootstrap/control-plane API version
                                     (default: the spec's, else the flavor's first)
  --infrastructure-contract v1beta1|v1beta2
                                     CAPO API version for OpenStack flavors (default: the
                                     spec's, else the flavor's first)
  --templates <dir>                  use the flavors in <dir>/flavors/<id>/ (flavor.yaml and
                                     *.yaml.hbs) instead of the built-in ones
  --no-hardening                     skip the hardening transforms
  -h, --help                         show this help

Built-in flavors: microk8s-openstack, kubeadm-openstack, kubeadm-docker.
A spec problem is printed as file:line:col: error CODE ClusterSpec/name /pointer: message.

Exit codes: 0 rendered; 2 invalid spec, refused option, unknown flavor, unreadable file or
            usage error (nothing is printed on stdout and no file is written).
`;

const SCHEMA_HELP = `Usage:
  capi-gen schema

Prints the JSON Schema of the cluster spec (what capi-gen render reads). Editors use it with
  # yaml-language-server: $schema=<path or URL of the schema>
packages/core/cluster-spec.schema.json in the repository holds the same text.

Exit codes: 0 printed; 2 usage error.
`;

const VALIDATE_HELP = `Usage:
  capi-gen validate <file|dir|->... [options]

Validates every document of every input like an API server create: the CRD's OpenAPI schema
(with defaults), unknown fields, x-kubernetes-validations CEL rules, list types and ObjectMeta.
Directories are searched recursively for *.yaml and *.yml files (sorted); - reads stdin.
Kinds without a vendored CRD (v1/Secret, ...) are reported as skipped, not as errors.

Options:
  --format text|json           text (default): one line per finding,
                                 file:line:col: severity CODE Kind/name /json/pointer: message
                               and a summary on stderr; json: one JSON document on stdout
  --placeholders auto|on|off   clusterctl \${VAR} placeholders: auto (default) treats a text
                               as a clusterctl template when a key or a one-line value contains
                               \${ (as lint does); on always; off never
  -q, --quiet                  text format: print only findings of severity error, no summary
  -h, --help                   show this help

Exit codes: 0 valid (warnings allowed), 1 findings of severity error,
            2 usage error or unreadable input.
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const validateCommand = defineCommand({
  name: 'validate',
  usage: USAGE,
  help: VALIDATE_HELP,
  options: {
    format: { type: 'string' },
    placeholders: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  },
  async run({ values, positionals }, stdout, stderr) {
    const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
    const placeholders = oneOf('placeholders', values.placeholders, ['auto', 'on', 'off'] as const, 'auto');
    if (positionals.length === 0) {
      throw new UsageError('validate needs at least one file, directory or - (stdin)', 'e.g. capi-gen validate cluster.yaml');
    }

    // Loaded only for this command: core, yaml and the CRD index are the bulk of the bundle.
    const { runValidate } = await import('./commands/validate.ts');
    const outcome = await runValidate({ inputs: positionals, placeholders, readStdin });
    if (outcome.kind === 'unreadable') return failed(stderr, outcome.problems.map((p) => `capi-gen: ${p.what}; ${p.hint}`), USAGE);
    if (format === 'json') {
      const { renderJson } = await import('./output/json.ts');
      stdout.push(renderJson(outcome.report));
    } else {
      const { renderText } = await import('./output/text.ts');
      const text = renderText(outcome.report, { quiet: values.quiet === true });
      stdout.push(text.stdout);
      stderr.push(text.stderr);
    }
    return outcome.report.summary.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
});

const renderCommand = defineCommand({
  name: 'render',
  usage: RENDER_USAGE,
  help: RENDER_HELP,
  options: {
    output: { type: 'string', short: 'o' },
    contract: { type: 'string' },
    'infrastructure-contract': { type: 'string' },
    templates: { type: 'string' },
    'no-hardening': { type: 'boolean' },
  },
  async run({ values, positionals }, stdout, stderr) {
    const contracts = ['v1beta1', 'v1beta2'] as const;
    const contract = values.contract === undefined ? undefined : oneOf('contract', values.contract, contracts, 'v1beta2');
    const infrastructureContract =
      values['infrastructure-contract'] === undefined ? undefined : oneOf('infrastructure-contract', values['infrastructure-contract'], contracts, 'v1beta1');
    const input = onePositional('render', positionals, 'a spec file', 'one spec file', 'e.g. capi-gen render examples/kubeadm-docker.yaml');
    for (const [option, value] of [
      ['--output', values.output],
      ['--templates', values.templates],
    ] as const) {
      notEmpty(option, value, 'a directory', `${option} ./out`);
    }

    const { runRender } = await import('./commands/render.ts');
    const outcome = await runRender({
      input,
      ...(values.output === undefined ? {} : { outDir: values.output }),
      ...(contract === undefined ? {} : { contract }),
      ...(infrastructureContract === undefined ? {} : { infrastructureContract }),
      ...(values.templates === undefined ? {} : { templatesDir: values.templates }),
      builtinTemplatesDir: BUILTIN_TEMPLATES_DIR,
      noHardening: values['no-hardening'] === true,
      readStdin,
    });
    return printedOrWritten(stdout, stderr, outcome);
  },
});

const schemaCommand = defineCommand({
  name: 'schema',
  usage: SCHEMA_USAGE,
  help: SCHEMA_HELP,
  options: {},
  async run({ positionals }, stdout) {
    noPositionals('schema', positionals, 'run capi-gen schema > cluster-spec.schema.json');
    const { renderSpecSchema } = await import('./commands/schema.ts');
    stdout.push(renderSpecSchema());
    return EXIT_OK;
  },
});

// The three --leader-elect-* timing options of manager-patches and harden.
const TIMING_OPTIONS = {
  'leader-elect-lease-duration': { type: 'string' },
  'leader-elect-renew-deadline': { type: 'string' },
  'leader-elect-retry-period': { type: 'string' },
} as const;

/** The --leader-elect-* timings that were given (the others are left out, not undefined). */
function timingsGiven(values: { readonly [K in keyof typeof TIMING_OPTIONS]?: string | undefined }): { leaseDuration?: string; renewDeadline?: string; retryPeriod?: string } {
  return {
    ...(values['leader-elect-lease-duration'] === undefined ? {} : { leaseDuration: values['leader-elect-lease-duration'] }),
    ...(values['leader-elect-renew-deadline'] === undefined ? {} : { renewDeadline: values['leader-elect-renew-deadline'] }),
    ...(values['leader-elect-retry-period'] === undefined ? {} : { retryPeriod: values['leader-elect-retry-period'] }),
  };
}

// --- manager-patches (issue 6 item 4) ---
const MANAGER_PROVIDER_NAMES = ['core', 'kubeadm-bootstrap', 'kubeadm-control-plane', 'openstack', 'docker', 'microk8s-bootstrap', 'microk8s-control-plane'] as const;
const MANAGER_PATCHES_USAGE =
  'usage: capi-gen manager-patches [--provider <name>]... [--format kustomize|kubectl|operator] [-o <dir>] [--leader-elect-lease-duration D] [--leader-elect-renew-deadline D] [--leader-elect-retry-period D] [--provider-args <provider>=<file>]... [--provider-version <provider>=<version>]...';
const MANAGER_PATCHES_HELP = `Usage:
  capi-gen manager-patches [options]

Prints patches that set the leader-election timings of the Cluster API manager Deployments
installed by clusterctl init (clusterctl has no knob for them). Each patch carries the manager
container's FULL args (a strategic-merge patch replaces the whole list, so a patch with only the
new flags would drop --leader-elect): the args of the provider version, or the live ones given
with --provider-args. clusterctl upgrade (and clusterctl init) revert the patches: re-apply them.

Options:
  --provider <name>                  repeatable: ${MANAGER_PROVIDER_NAMES.join(', ')}
                                     (default: core, kubeadm-bootstrap, kubeadm-control-plane, openstack;
                                     the MicroK8s managers accept only --leader-elect and are refused)
  --format kustomize|kubectl|operator
                                     kustomize (default): kustomization.yaml + one patch per provider,
                                     printed as one stream with "# file: <name>" comments;
                                     kubectl: a sh script of kubectl patch commands;
                                     operator: cluster-api-operator provider snippets (not schema-checked)
  -o, --output <dir>                 write the files into <dir> instead of printing them
  --leader-elect-lease-duration D    default 60s
  --leader-elect-renew-deadline D    default 40s
  --leader-elect-retry-period D      default 5s  (lease > renew deadline > 1.2 x retry period)
  --provider-args <provider>=<file>  repeatable: the manager's live args, one per line or the JSON array of
                                     kubectl -n <ns> get deploy <name> -o jsonpath='{.spec.template.spec.containers[?(@.name=="manager")].args}'
  --provider-version <provider>=<v>  repeatable: pick the built-in args list of that version
  -h, --help                         show this help

Exit codes: 0 printed or written; 2 refused provider (MicroK8s), timings client-go would reject,
            unreadable --provider-args file or usage error.
`;

function providerPairs(option: string, values: readonly string[] | undefined): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const v of values ?? []) {
    const at = v.indexOf('=');
    const provider = at < 0 ? v : v.slice(0, at);
    const value = at < 0 ? '' : v.slice(at + 1);
    if (!(MANAGER_PROVIDER_NAMES as readonly string[]).includes(provider) || value === '') {
      throw new UsageError(`--${option} must be <provider>=<value> with provider one of ${MANAGER_PROVIDER_NAMES.join(', ')}, got "${v}"`, `e.g. --${option} core=${option === 'provider-args' ? 'core-args.txt' : 'v1.12.3'}`);
    }
    if (pairs.has(provider)) throw new UsageError(`--${option} names ${provider} twice`, 'give it once per provider');
    pairs.set(provider, value);
  }
  return pairs;
}

const managerPatchesCommand = defineCommand({
  name: 'manager-patches',
  usage: MANAGER_PATCHES_USAGE,
  help: MANAGER_PATCHES_HELP,
  options: {
    provider: { type: 'string', multiple: true },
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
    ...TIMING_OPTIONS,
    'provider-args': { type: 'string', multiple: true },
    'provider-version': { type: 'string', multiple: true },
  },
  async run({ values, positionals }, stdout, stderr) {
    noPositionals('manager-patches', positionals, 'name providers with --provider <name>');
    const format = oneOf('format', values.format, ['kustomize', 'kubectl', 'operator'] as const, 'kustomize');
    for (const p of values.provider ?? []) oneOf('provider', p, MANAGER_PROVIDER_NAMES, 'core');
    notEmpty('--output', values.output, 'a directory', '-o ./manager-patches');
    const { runManagerPatches } = await import('./commands/manager-patches.ts');
    const outcome = await runManagerPatches({
      ...(values.provider === undefined ? {} : { providers: values.provider }),
      format,
      ...(values.output === undefined ? {} : { outDir: values.output }),
      timings: timingsGiven(values),
      providerArgs: providerPairs('provider-args', values['provider-args']),
      versions: providerPairs('provider-version', values['provider-version']),
    });
    return printedOrWritten(stdout, stderr, outcome);
  },
});
// --- end manager-patches ---

// --- harden (issue 5 items 1-2, issue 6 item 5) ---
const HARDEN_USAGE =
  'usage: capi-gen harden <file|-> [--clusterctl-template|--no-clusterctl-template] [--leader-elect-lease-duration D] [--leader-elect-renew-deadline D] [--leader-elect-retry-period D] [--no-leader-election] [--certificate-expiry-days N] [--time-sync-timeout S] [--skew-tolerance S] [--expiry-warning-days D] [--renew-on-node] [--textfile-dir PATH] [--no-certificates] [-o <file>|--in-place]';
const HARDEN_HELP = `Usage:
  capi-gen harden <file|-> [options]

Adds capi-gen's hardening to manifests you already have (- reads stdin) and prints the result
on stdout. Only what the hardening changes is written: comments, key order, quoting, other
documents, clusterctl \${VAR} placeholders and $\${VAR} escapes, and your own files and commands
stay as they are. Every change is listed on stderr; hardening the output again changes nothing.
What it adds: KubeadmControlPlane certificate rotation (certificatesExpiryDays); certificate
checks on every node (a script, a systemd service and daily timer, an options file and a
pre/post command in every kubeadm and MicroK8s bootstrap config; the CA verification on the
MicroK8s init node); leader-election timings for kube-controller-manager and kube-scheduler
(KubeadmControlPlane extraArgs; a node script for MicroK8sControlPlane). See docs/harden.md.

Options:
  --clusterctl-template              the input is a clusterctl template: every $ in added text is
                                     escaped for clusterctl's envsubst (\${ -> $\${, $$ -> $$$$)
  --no-clusterctl-template           the input is a plain manifest (no escaping)
                                     (default: a clusterctl template when a key or a one-line
                                     value contains \${, as lint decides it)
  --leader-elect-lease-duration D    these three win over values already in the manifests;
  --leader-elect-renew-deadline D    unset ones keep the manifest's value, else 60s / 40s / 5s
  --leader-elect-retry-period D      (lease > renew deadline > 1.2 x retry period)
  --no-leader-election               do not touch leader election
  --certificate-expiry-days N        KCP rolls control-plane machines N days before their
                                     certificates expire (7-1094; default: the manifest's
                                     value, else 90 or a quarter of certificateValidityPeriodDays)
  --time-sync-timeout S              seconds a node waits for time sync (0-3600; default 180)
  --skew-tolerance S                 seconds a certificate's notBefore may be ahead (0-86400; 300)
  --expiry-warning-days D            days before expiry a node refreshes (MicroK8s) or warns
                                     (kubeadm) (1-365; default 30)
  --renew-on-node                    kubeadm nodes renew their certificates themselves
                                     (kubeadm certs renew all); default: KCP rolls the machines
  --textfile-dir PATH                node-exporter textfile-collector folder (absolute;
                                     default /var/lib/node_exporter/textfile_collector)
                                     (options not given keep the value in the manifest's
                                     /etc/capi-gen/certs.env, else the default)
  --no-certificates                  add no certificate hardening (removes nothing)
  -o, --output <file>                write the result to <file> instead of stdout
  --in-place                         write the result back into the input file
  -h, --help                         show this help

Warnings on stderr: a changed KubeadmControlPlane kubeadmConfigSpec rolls out every control-plane
machine; a changed MicroK8sControlPlane controlPlaneConfig reaches only machines created later;
edited *Template objects do not reach existing machines (give them a new name);
format: ignition configs get no certificate checks.

Exit codes: 0 hardened (also when something changed); 2 refused options, unreadable input,
            YAML syntax error in the input or usage error (nothing is printed on stdout).
`;

const hardenCommand = defineCommand({
  name: 'harden',
  usage: HARDEN_USAGE,
  help: HARDEN_HELP,
  options: {
    'clusterctl-template': { type: 'boolean' },
    'no-clusterctl-template': { type: 'boolean' },
    ...TIMING_OPTIONS,
    'no-leader-election': { type: 'boolean' },
    'certificate-expiry-days': { type: 'string' },
    'time-sync-timeout': { type: 'string' },
    'skew-tolerance': { type: 'string' },
    'expiry-warning-days': { type: 'string' },
    'renew-on-node': { type: 'boolean' },
    'textfile-dir': { type: 'string' },
    'no-certificates': { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    'in-place': { type: 'boolean' },
  },
  async run({ values, positionals }, stdout, stderr) {
    const input = onePositional('harden', positionals, 'a manifest file', 'one manifest', 'e.g. capi-gen harden cluster.yaml > cluster.hardened.yaml');
    const template = clusterctlTemplateMode(values);
    const timings = timingsGiven(values);
    const leaderElection = values['no-leader-election'] !== true;
    if (!leaderElection && Object.keys(timings).length > 0) {
      throw new UsageError('--no-leader-election cannot be combined with --leader-elect-* timings', 'drop one of them');
    }
    const certificateFlags = (['certificate-expiry-days', 'time-sync-timeout', 'skew-tolerance', 'expiry-warning-days', 'renew-on-node', 'textfile-dir'] as const).filter(
      (f) => values[f] !== undefined,
    );
    if (values['no-certificates'] === true && certificateFlags.length > 0) {
      throw new UsageError(`--no-certificates cannot be combined with ${certificateFlags.map((f) => `--${f}`).join(', ')}`, 'drop one of them');
    }
    notEmpty('--output', values.output, 'a file name', '-o cluster.hardened.yaml');
    if (values.output !== undefined && values['in-place'] === true) throw new UsageError('-o and --in-place contradict each other', 'give one of them');
    if (values['in-place'] === true && input === '-') throw new UsageError('--in-place needs a file, not - (stdin)', 'use -o <file> or redirect stdout');

    const { runHarden } = await import('./commands/harden.ts');
    const outcome = await runHarden({
      input,
      clusterctlTemplate: template === 'on' ? true : template === 'off' ? false : 'auto',
      leaderElection: { enabled: leaderElection, ...timings },
      certificates: {
        enabled: values['no-certificates'] !== true,
        ...(values['certificate-expiry-days'] === undefined ? {} : { expiryDays: values['certificate-expiry-days'] }),
        ...(values['time-sync-timeout'] === undefined ? {} : { timeSyncTimeout: values['time-sync-timeout'] }),
        ...(values['skew-tolerance'] === undefined ? {} : { skewTolerance: values['skew-tolerance'] }),
        ...(values['expiry-warning-days'] === undefined ? {} : { expiryWarningDays: values['expiry-warning-days'] }),
        ...(values['renew-on-node'] === true ? { renewOnNode: true } : {}),
        ...(values['textfile-dir'] === undefined ? {} : { textfileDir: values['textfile-dir'] }),
      },
      output: values['in-place'] === true ? { kind: 'in-place' } : values.output !== undefined ? { kind: 'file', path: values.output } : { kind: 'stdout' },
      templatesDir: BUILTIN_TEMPLATES_DIR,
      readStdin,
    });
    if (outcome.kind === 'failed') return failed(stderr, outcome.lines);
    if (outcome.written === undefined) stdout.push(outcome.text);
    for (const line of outcome.report) stderr.push(`${line}\n`);
    return EXIT_OK;
  },
});
// --- end harden ---

// --- lint (issue 7) ---
const LINT_USAGE =
  'usage: capi-gen lint <file|dir|glob|->... [--format text|json|sarif|github] [--fail-on error|warning|info] [--config <file>] [--clusterctl-template|--no-clusterctl-template] | capi-gen lint --list-rules [--format text|json]';
const LINT_HELP = `Usage:
  capi-gen lint <file|dir|glob|->... [options]

Lints Cluster API manifests and clusterctl templates: everything validate reports (schema, CEL,
defaults, unknown fields, YAML hazards) plus the lint rules (references, API lifecycle, bootstrap
safety, hardening). Each finding has a rule id; docs/lint.md has a section per rule.
Directories are searched recursively for *.yaml and *.yml files (sorted); globs ('**/*.yaml',
quoted) are expanded by capi-gen; - reads stdin.

Options:
  --format text|json|sarif|github    text (default): file:line:col severity rule Kind/name /pointer:
                                     message (fix: ...), and a summary on stderr; json: one JSON
                                     document; sarif: SARIF 2.1.0 for code scanning; github:
                                     workflow annotations (::error file=...,line=...::...)
  --fail-on error|warning|info       exit 1 when a finding is at or above this severity (default error)
  --config <file>                    the config file (default: the nearest .capi-gen.yaml in the
                                     current directory or a parent): rule severities, off, ignore globs
  --clusterctl-template              treat every input as a clusterctl template (\${VAR} placeholders)
  --no-clusterctl-template           treat no input as one (default: a text with \${ outside
                                     multi-line strings such as scripts is one)
  --list-rules                       print every rule id, default severity and summary instead of
                                     linting (--format text or json; no inputs)
  -h, --help                         show this help

Config files (.capi-gen.yaml, the --config file) are never linted as manifests.

Suppress a finding in the file: # capi-gen-disable-line <rule>[,<rule>...] (same line),
# capi-gen-disable-next-line <rule>..., # capi-gen-disable-document <rule>... ('all' for every rule).

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
            2 usage error, unreadable input or invalid config.
`;

const lintCommand = defineCommand({
  name: 'lint',
  usage: LINT_USAGE,
  help: LINT_HELP,
  options: {
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    config: { type: 'string' },
    'clusterctl-template': { type: 'boolean' },
    'no-clusterctl-template': { type: 'boolean' },
    'list-rules': { type: 'boolean' },
  },
  async run({ values, positionals }, stdout, stderr) {
    if (values['list-rules'] === true) {
      const listFormat = oneOf('format', values.format, ['text', 'json'] as const, 'text');
      noPositionals('lint --list-rules', positionals, 'run capi-gen lint --list-rules alone, or lint the inputs without it');
      const others = (['fail-on', 'config', 'clusterctl-template', 'no-clusterctl-template'] as const).filter((o) => values[o] !== undefined);
      if (others.length > 0) throw new UsageError(`--list-rules cannot be combined with ${others.map((o) => `--${o}`).join(', ')}`, 'drop them; --list-rules takes only --format text|json');
      const { listLintRules } = await import('./commands/lint.ts');
      stdout.push(listLintRules(listFormat));
      return EXIT_OK;
    }
    const format = oneOf('format', values.format, ['text', 'json', 'sarif', 'github'] as const, 'text');
    const failOn = oneOf('fail-on', values['fail-on'], ['error', 'warning', 'info'] as const, 'error');
    const clusterctlTemplate = clusterctlTemplateMode(values);
    notEmpty('--config', values.config, 'a file name', '--config .capi-gen.yaml');
    if (positionals.length === 0) {
      throw new UsageError('lint needs at least one file, directory, glob or - (stdin)', "e.g. capi-gen lint manifests/ or capi-gen lint 'templates/**/*.yaml'");
    }
    if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('- (stdin) can be given only once', 'pass it once');

    const { runLint } = await import('./commands/lint.ts');
    const outcome = await runLint({
      inputs: positionals,
      format,
      failOn,
      configFile: values.config,
      clusterctlTemplate,
      cwd: process.cwd(),
      version: CAPI_GEN_VERSION,
      readStdin,
    });
    if (outcome.kind === 'failed') return failed(stderr, outcome.lines, LINT_USAGE);
    stdout.push(outcome.stdout);
    stderr.push(outcome.stderr);
    return outcome.failed ? EXIT_FINDINGS : EXIT_OK;
  },
});
// --- end lint ---

// --- cloud-init (issue 5 item 9) ---
const CLOUD_INIT_USAGE = 'usage: capi-gen cloud-init <manifest|-> --machine init|join|worker [--pool <MachineDeployment>] [--control-plane <name>] [--format yaml|json]';
const CLOUD_INIT_HELP = `Usage:
  capi-gen cloud-init <manifest|-> --machine init|join|worker [options]

Prints the cloud-init user-data the bootstrap provider would build for one machine of the
cluster in <manifest> (- reads stdin): the first control-plane node (init), another control-plane
node (join) or a worker of a MachineDeployment (worker). MicroK8s: MicroK8sControlPlane and
MicroK8sConfigTemplate; kubeadm: KubeadmControlPlane and KubeadmConfigTemplate. Written from the
providers' source (each step cites file and commit, see --format json and docs/boot-sequence.md);
provider scripts, CA material, tokens and node addresses are shown as labelled placeholders.
A clusterctl template works too: its \${VAR} placeholders are shown as written.
Notes on what the preview could not know go to stderr.

Options:
  --machine init|join|worker      which machine (required)
  --pool <name>                   worker: the MachineDeployment's metadata.name (needed when there are several)
  --control-plane <name>          the control plane's metadata.name (needed when there are several)
  --format yaml|json              yaml (default): the user-data text; json: the user-data and its
                                  steps (section, text, origin provider|user|capi-gen, source)
  -h, --help                      show this help

Exit codes: 0 printed; 2 usage error, unreadable input, YAML syntax error, or the objects for that
            machine are missing or ambiguous (nothing is printed on stdout).
`;

const cloudInitCommand = defineCommand({
  name: 'cloud-init',
  usage: CLOUD_INIT_USAGE,
  help: CLOUD_INIT_HELP,
  options: {
    machine: { type: 'string' },
    pool: { type: 'string' },
    'control-plane': { type: 'string' },
    format: { type: 'string' },
  },
  async run({ values, positionals }, stdout, stderr) {
    if (values.machine === undefined) throw new UsageError('cloud-init needs --machine init, join or worker', 'e.g. capi-gen cloud-init cluster.yaml --machine init');
    const machine = oneOf('machine', values.machine, ['init', 'join', 'worker'] as const, 'init');
    const format = oneOf('format', values.format, ['yaml', 'json'] as const, 'yaml');
    const input = onePositional('cloud-init', positionals, 'a manifest file', 'one manifest', 'e.g. capi-gen cloud-init cluster.yaml --machine init');
    for (const [option, value] of [
      ['--pool', values.pool],
      ['--control-plane', values['control-plane']],
    ] as const) {
      notEmpty(option, value, 'a name', `${option} my-cluster-md-0`);
    }
    if (values.pool !== undefined && machine !== 'worker') throw new UsageError(`--pool selects a worker pool; it cannot be used with --machine ${machine}`, 'drop --pool or use --machine worker');
    const { runCloudInit } = await import('./commands/cloud-init.ts');
    const outcome = await runCloudInit({ input, machine, pool: values.pool, controlPlane: values['control-plane'], format, readStdin });
    if (outcome.kind === 'failed') return failed(stderr, outcome.lines);
    stdout.push(outcome.stdout);
    stderr.push(...outcome.stderr);
    return EXIT_OK;
  },
});
// --- end cloud-init ---

const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [validateCommand, renderCommand, schemaCommand, managerPatchesCommand, hardenCommand, lintCommand, cloudInitCommand].map((c) => [c.name, c]),
);

/** Runs one invocation; collects output so that it is written once, in order. */
async function run(argv: string[], stdout: string[], stderr: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    stderr.push(HELP);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    stdout.push(HELP);
    return EXIT_OK;
  }
  if (first === '--version') {
    stdout.push(`${CAPI_GEN_VERSION}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.get(first);
  if (command !== undefined) {
    try {
      return await command.invoke(rest, stdout, stderr);
    } catch (err) {
      if (err instanceof UsageError) return fail(stderr, err.message, err.hint, command.usage);
      throw err;
    }
  }
  if (first === 'help') {
    const help = rest[0] === undefined ? undefined : COMMANDS.get(rest[0])?.help;
    if (help !== undefined) {
      stdout.push(help);
      return EXIT_OK;
    }
    return fail(stderr, `no help for unknown command "${rest[0] ?? ''}"`, `${didYouMean(rest[0] ?? '', [...COMMANDS.keys()])}run 'capi-gen --help' for the commands`, GENERAL_USAGE);
  }
  if (first.startsWith('-')) {
    return fail(stderr, `unknown option ${first}`, `${didYouMean(first, ['--help', '--version'])}options of a command go after it; run 'capi-gen --help'`, GENERAL_USAGE);
  }
  return fail(stderr, `unknown command "${first}"`, `${didYouMean(first, [...COMMANDS.keys()])}run 'capi-gen --help' for the commands`, GENERAL_USAGE);
}

/** `did you mean X? ` when one candidate is at most two edits (or a swap) away, else ''. */
function didYouMean(word: string, candidates: readonly string[]): string {
  const distance = (a: string, b: string): number => {
    // Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
        d[i]![j] = v;
      }
    }
    return d[a.length]![b.length]!;
  };
  const best = candidates.map((c) => ({ c, n: distance(word, c) })).sort((x, y) => x.n - y.n)[0];
  return best !== undefined && best.n <= 2 ? `did you mean ${best.c}? ` : '';
}

const stdout: string[] = [];
const stderr: string[] = [];
let code: number;
try {
  code = await run(process.argv.slice(2), stdout, stderr);
} catch (err) {
  // A bug in capi-gen, not a finding: never exit 1, which means "your manifests have errors".
  stderr.push(`capi-gen: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}; please report this with the input that caused it\n`);
  code = EXIT_USAGE;
}
// `capi-gen render spec.yaml | head` closes stdout early: that is the reader's choice, not a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});
if (stdout.length > 0) process.stdout.write(stdout.join(''));
if (stderr.length > 0) process.stderr.write(stderr.join(''));
process.exitCode = code;

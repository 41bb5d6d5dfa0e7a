// The public API of @capi-gen/core: a short list, chosen. Everything else is internal.
export { CapiGenError, formatIssue, type Issue, type IssueCode, type Severity, type SourcePosition } from './errors.ts';
export { validateText, usesPlaceholders } from './validate/validate-text.ts';
export { validateObject } from './validate/validate-object.ts';
export type { DocumentResult, ValidateObjectOptions, ValidateTextOptions, ValidationResult } from './validate/types.ts';
export { findPlaceholders, hasPlaceholder, placeholderNames } from './yaml/placeholders.ts';
export type { Placeholder } from './yaml/types.ts';
export { ClusterSpecSchema, type ClusterSpec } from './model/cluster-spec.ts';
export { checkClusterSpec, parseClusterSpec, parseClusterSpecDocument, type ParsedSpec } from './model/load-spec.ts';
export { renderCluster, renderClusterFromText, type RenderOptions, type RenderResult } from './render/render-cluster.ts';
export { BUILTIN_FLAVORS } from './flavors/registry.ts';
export { defaultTemplatesDir, listFlavors, type Contract } from './flavors/flavor.ts';
export { objectsToYaml, objectToYaml, type KubeObject } from './emit/to-yaml.ts';
export { DEFAULT_MANAGER_PROVIDERS, MANAGER_PROVIDERS, renderManagerPatches, setLeaderElectionArgs, type ManagerPatchesOptions, type ManagerPatchesResult, type ManagerPatchFile, type ManagerPatchFormat, type ManagerProvider, type ManagerProviderId } from './managers/manager-patches.ts'; // issue 6 item 4: manager-patches
export { escapeForEnvsubst, hardenText, KCP_ROLLOUT_WARNING, MICROK8S_CP_WARNING, TEMPLATE_WARNING, type HardenChange, type HardenTextOptions, type HardenTextResult } from './harden/apply-to-text.ts'; // capi-gen harden (issue 5 item 1-2)
export { checkLeaderElectionTimings, LEADER_ELECTION_DEFAULTS, type LeaderElectionTimings, type TimingProblem } from './harden/leader-election-options.ts'; // capi-gen harden CLI: --leader-elect-* checks
export { microk8sCertGuard, microk8sInitConfigurationKeys } from './harden/microk8s-cert-guard.ts'; // issue 5 items 4-7: MicroK8s certificate checks
export { IGNITION_NOTE, kubeadmCertChecks, kubeadmConfigSpecKeys } from './harden/kubeadm-cert-checks.ts'; // issue 5 items 6-7: kubeadm certificate checks
export { buildCertsEnv, checkCertificateOptions, CERTS_ENV_RULES, parseCertsEnv, type CertificateHardening, type CertificateOptionProblem } from './harden/certificate-options.ts'; // capi-gen harden CLI: certificate options
export { TRANSFORMS, type HardenContext, type Transform } from './harden/registry.ts';
// --- lint (issue 7) ---
export { allLintRules, compareFindings, knownRuleIds, lintText, lintTexts, type LintInput, type LintResult, type LintTextOptions } from './lint/engine.ts';
export { DEFAULT_LINT_CONFIG, findLintConfigFile, globMatcher, isIgnored, LINT_CONFIG_FILE, loadLintConfigFile, parseLintConfig, type LintConfig, type LintConfigOutcome, type LintConfigProblem, type ParseLintConfigOptions, type RuleSetting } from './lint/config.ts';
export { describeFinding, formatFinding, renderLintSummary, renderLintText, summarizeLint, type LintSummary } from './lint/format/text.ts';
export { LINT_JSON_VERSION, renderLintJson } from './lint/format/json.ts';
export { LINT_DOCS_PATH, renderLintSarif, type LintSarifOptions } from './lint/format/sarif.ts';
export { escapeData, escapeProperty, formatAnnotation, renderLintGithub } from './lint/format/github.ts';
export { docsAnchor, ENGINE_RULES, VALIDATOR_RULES, type LintRuleInfo } from './lint/validator-rules.ts';
export { RULES } from './lint/rules/index.ts';
export type { LintContext, LintDocument, LintFinding, LintRule, RuleFinding } from './lint/types.ts';
// --- end lint ---
// --- preview (issue 5 item 9) ---
export { CAPI_COMMIT, CAPI_REPO, goQuote, MICROK8S_BOOTSTRAP_COMMIT, MICROK8S_BOOTSTRAP_REPO, PREVIEW_MACHINES, previewUserData, type PreviewMachine, type PreviewUserDataOptions, type SourceCitation, type StepOrigin, type StepSection, type UserDataPreview, type UserDataStep } from './preview/preview-user-data.ts';
export { loadDocuments } from './yaml/load.ts'; // capi-gen cloud-init reads manifests with positions
export type { LoadedDocument } from './yaml/types.ts';
// --- end preview ---

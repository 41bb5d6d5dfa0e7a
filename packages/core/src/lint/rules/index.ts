// Every lint rule, in docs order. Each rule module exports a list; add the list here (one line).
import type { LintRule } from '../types.ts';
import { BOOTSTRAP_RULES } from './bootstrap.ts';
import { HARDENING_RULES } from './hardening.ts';
import { LIFECYCLE_RULES } from './lifecycle.ts';
import { REFERENCE_RULES } from './references.ts';

export const RULES: readonly LintRule[] = [
  ...REFERENCE_RULES,
  ...LIFECYCLE_RULES,
  ...BOOTSTRAP_RULES,
  ...HARDENING_RULES,
];

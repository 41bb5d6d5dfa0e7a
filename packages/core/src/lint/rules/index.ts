// Every lint rule, in docs order. Each rule module exports a list; add the list here (one line).
import type { LintRule } from '../types.ts';
import { BOOTSTRAP_AND_HARDENING_RULES } from './bootstrap.ts';
import { REFERENCE_AND_LIFECYCLE_RULES } from './lifecycle.ts';

export const RULES: readonly LintRule[] = [
  ...REFERENCE_AND_LIFECYCLE_RULES,
  ...BOOTSTRAP_AND_HARDENING_RULES,
];

// Every lint rule, in docs order. Each rule module exports a list; add the list here (one line).
import type { LintRule } from '../types.ts';

export const RULES: readonly LintRule[] = [];

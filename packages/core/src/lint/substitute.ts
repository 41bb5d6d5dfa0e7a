// "Substituted for checking": a copy of a clusterctl template in which `${VAR:=default}` and
// `${VAR:-default}` read as their default (what `clusterctl generate` writes when VAR is unset),
// so `replicas: ${N:=3}` is checked as the integer 3. Bare `${VAR}` (and the other operators) stay
// and are left to the validator's placeholder handling. Positions in the copy map back exactly:
// into the default's own text, or to the `$` of the placeholder.
import { findPlaceholders } from '../yaml/placeholders.ts';

/** A text with defaults substituted, and the way back to positions in the original. */
export interface SubstitutedText {
  readonly text: string;
  /** True when something was substituted (otherwise `text` is the original). */
  readonly changed: boolean;
  /** A 1-based line/column of `text` as a line/column of the original. */
  toOriginal(line: number, col: number): { line: number; col: number };
}

interface Segment {
  /** [newStart, newEnd) in the copy holds the default, taken from origArg in the original. */
  readonly newStart: number;
  readonly newEnd: number;
  readonly origStart: number;
  readonly origArg: number;
  /** original offset - copy offset, just after this segment. */
  readonly deltaAfter: number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Substitutes the defaults of `:=` and `:-` placeholders (outermost only). */
export function substituteDefaults(text: string): SubstitutedText {
  const identity: SubstitutedText = { text, changed: false, toOriginal: (line, col) => ({ line, col }) };
  if (!text.includes('${')) return identity;
  const segments: Segment[] = [];
  let out = '';
  let last = 0;
  for (const p of findPlaceholders(text)) {
    if ((p.operator !== ':=' && p.operator !== ':-') || p.argument === undefined) continue;
    const origArg = p.end - 1 - p.argument.length;
    out += text.slice(last, p.start);
    const newStart = out.length;
    out += p.argument;
    segments.push({ newStart, newEnd: out.length, origStart: p.start, origArg, deltaAfter: p.end - out.length });
    last = p.end;
  }
  if (segments.length === 0) return identity;
  out += text.slice(last);

  const newLines = lineStarts(out);
  const origLines = lineStarts(text);
  const toOffset = (offset: number): number => {
    // The last segment that starts at or before the offset.
    let lo = 0;
    let hi = segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((segments[mid]?.newStart ?? 0) <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return offset;
    const s = segments[found]!;
    if (offset === s.newStart) return s.origStart;
    if (offset < s.newEnd) return s.origArg + (offset - s.newStart);
    return offset + s.deltaAfter;
  };
  return {
    text: out,
    changed: true,
    toOriginal(line, col) {
      const start = newLines[line - 1] ?? newLines[newLines.length - 1] ?? 0;
      const offset = toOffset(start + col - 1);
      let lo = 0;
      let hi = origLines.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((origLines[mid] ?? 0) <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, col: offset - (origLines[lo] ?? 0) + 1 };
    },
  };
}

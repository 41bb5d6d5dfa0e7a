import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPlaceholders, maskPlaceholders, unmaskPlaceholders } from '../../src/yaml/placeholders.ts';

// Texts built from the characters that matter to the scanner and to YAML, plus non-ASCII ones
// (including a surrogate pair), but none from the mask block U+E000–U+E07F.
const piece = fc.oneof(
  fc.constantFrom('$', '$$', '${', '}', '{', ':', ':=', ':-', '%', '#', '=', '-', ' ', '\n', '\r\n', '\t', '[', ']', ',', '"', "'"),
  fc.constantFrom('A', 'B_1', 'NAME', 'x', 'é', '日本', '😀', '\u00a0', '\uE080', '\uDFFF'),
  fc.constantFrom('${A}', '${ B }', '${C:=${D}-x}', '$${E}', '${F:= }', '${G%.*}'),
);
const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));

describe('maskPlaceholders (property)', () => {
  it('keeps the length in UTF-16 code units', () => {
    fc.assert(
      fc.property(text, (t) => {
        // Act
        const masked = maskPlaceholders(t, findPlaceholders(t));
        // Assert
        expect(masked.length).toBe(t.length);
      }),
    );
  });

  it('is undone exactly by unmaskPlaceholders', () => {
    fc.assert(
      fc.property(text, (t) => {
        // Act
        const back = unmaskPlaceholders(maskPlaceholders(t, findPlaceholders(t)));
        // Assert
        expect(back).toBe(t);
      }),
    );
  });

  it('changes only characters inside placeholder spans, and no line breaks', () => {
    fc.assert(
      fc.property(text, (t) => {
        // Arrange
        const spans = findPlaceholders(t);
        const inside = (i: number): boolean => spans.some((p) => p.start <= i && i < p.end);
        // Act
        const masked = maskPlaceholders(t, spans);
        // Assert
        for (let i = 0; i < t.length; i++) {
          if (masked[i] !== t[i]) expect(inside(i) && t[i] !== '\n' && t[i] !== '\r').toBe(true);
        }
      }),
    );
  });

  it('finds ordered, non-overlapping spans that start with ${ and end with }', () => {
    fc.assert(
      fc.property(text, (t) => {
        // Act
        const spans = findPlaceholders(t);
        // Assert
        let last = 0;
        for (const p of spans) {
          expect(p.start).toBeGreaterThanOrEqual(last);
          expect(t.slice(p.start, p.start + 2)).toBe('${');
          expect(t[p.end - 1]).toBe('}');
          last = p.end;
        }
      }),
    );
  });
});

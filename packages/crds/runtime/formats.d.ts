/** Counts Unicode code points, as Go's utf8.RuneCountInString does for maxLength/minLength. */
export declare function ucs2length(str: string): number;

/** A format checker as Ajv's standalone code calls it. */
export interface FormatChecker {
  readonly type: 'number' | 'string';
  readonly validate: (value: never) => boolean;
}

/** Format checkers keyed by format name (int32, int64, date-time, byte, uuid, ipv4). */
export declare const formats: Readonly<Record<string, FormatChecker>>;

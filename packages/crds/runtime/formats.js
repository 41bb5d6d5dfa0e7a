// Hand-written runtime for the generated validators in ../gen/validators.
// The Ajv standalone code imports these instead of ajv/ajv-formats so that the generated
// modules are plain ESM with no runtime dependency. Semantics follow what kube-apiserver
// applies to CRD schemas (k8s.io/kube-openapi/pkg/validation/strfmt): only the formats that
// occur in the vendored CRDs are listed; the generator fails if a new one appears.

/** Counts Unicode code points, as Go's utf8.RuneCountInString does for maxLength/minLength. */
export function ucs2length(str) {
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    n++;
    const c = str.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

// strfmt DateTime accepts RFC 3339 with optional fractional seconds; a missing zone is
// accepted as local time (ISO8601LocalTime), and a space is not a valid separator.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDateTime(s) {
  const m = DATE_TIME.exec(s);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = month === 2 && !leap ? 28 : DAYS[month - 1];
  if (day > maxDay) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 60;
}

// strfmt "byte": standard base64 (RFC 4648 section 4), padding required.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Format checkers keyed by format name, in the shape Ajv's standalone code calls. */
export const formats = {
  int32: { type: 'number', validate: (n) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX },
  // JSON numbers beyond 2^53 are already rounded by the parser, so int64 can only check integrality.
  int64: { type: 'number', validate: (n) => Number.isInteger(n) },
  'date-time': { type: 'string', validate: isDateTime },
  byte: { type: 'string', validate: (s) => BASE64.test(s) },
  uuid: { type: 'string', validate: (s) => UUID.test(s) },
  ipv4: { type: 'string', validate: (s) => IPV4.test(s) },
};

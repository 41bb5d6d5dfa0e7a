// Real certificates for the node-script sandbox tests: openssl on the host, in a temp dir, with
// `faketime` when a certificate must be minted by a clock that is ahead (seed 002) or behind.
// EC P-256 keys keep key generation fast; the scripts compare public keys, whatever the type.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../support/repo.ts';

export const hasOpenssl: boolean = hasCommand('openssl');
export const hasFaketime: boolean = hasCommand('faketime');

export interface Pair {
  readonly crt: string;
  readonly key: string;
}

export interface MintOptions {
  /** Validity in days (openssl -days). */
  readonly days?: number;
  /** faketime offset of the minting clock, e.g. '+30d' or '-10d'. */
  readonly clock?: string;
  /** Issuer; absent = self-signed CA. */
  readonly ca?: Pair;
  readonly cn?: string;
}

const work = mkdtempSync(join(tmpdir(), 'capi-gen-certs-'));
let n = 0;

function openssl(args: string[], clock: string | undefined): void {
  const argv = clock === undefined ? ['openssl', ...args] : ['faketime', '-f', clock, 'openssl', ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
}

/** A certificate and its key (PEM). CAs get basicConstraints CA:TRUE, leaves CA:FALSE. */
export function mint(o: MintOptions = {}): Pair {
  const id = `c${n++}`;
  const key = join(work, `${id}.key`);
  const crt = join(work, `${id}.crt`);
  const days = String(o.days ?? 365);
  const subj = `/CN=${o.cn ?? id}`;
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], undefined);
  if (o.ca === undefined) {
    openssl(['req', '-x509', '-new', '-key', key, '-days', days, '-subj', subj, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', crt], o.clock);
  } else {
    const csr = join(work, `${id}.csr`);
    const ext = join(work, `${id}.ext`);
    const caCrt = join(work, `${id}-ca.crt`);
    const caKey = join(work, `${id}-ca.key`);
    writeFileSync(caCrt, o.ca.crt);
    writeFileSync(caKey, o.ca.key);
    writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
    openssl(['req', '-new', '-key', key, '-subj', subj, '-out', csr], undefined);
    openssl(['x509', '-req', '-in', csr, '-CA', caCrt, '-CAkey', caKey, '-CAcreateserial', '-days', days, '-extfile', ext, '-out', crt], o.clock);
  }
  return { crt: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') };
}

let sa: { key: string; pub: string } | undefined;
/** An RSA key pair as kubeadm's sa.key / sa.pub (the same one each call unless `fresh`: RSA is slow). */
export function serviceAccountKeys(fresh = false): { key: string; pub: string } {
  if (!fresh && sa !== undefined) return sa;
  const id = `sa${n++}`;
  const key = join(work, `${id}.key`);
  const pub = join(work, `${id}.pub`);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], undefined);
  openssl(['pkey', '-in', key, '-pubout', '-out', pub], undefined);
  const pair = { key: readFileSync(key, 'utf8'), pub: readFileSync(pub, 'utf8') };
  if (!fresh) sa = pair;
  return pair;
}

/** notAfter / notBefore in epoch seconds, read by Node (not by the script under test). */
export function notAfter(pem: string): number {
  return Date.parse(new X509Certificate(pem).validTo) / 1000;
}
export function notBefore(pem: string): number {
  return Date.parse(new X509Certificate(pem).validFrom) / 1000;
}
export function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

export function cleanupCerts(): void {
  rmSync(work, { recursive: true, force: true });
}

/** Parses a Prometheus text exposition into `metric{labels}` -> value, checking every line's shape. */
export function parseTextfile(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const types = new Set<string>();
  let family = '';
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const t = /^# TYPE ([a-z_]+) gauge$/.exec(line);
    if (t !== null) {
      if (types.has(t[1]!)) throw new Error(`metric family ${t[1]} declared twice`);
      types.add(t[1]!);
      family = t[1]!;
      continue;
    }
    const m = /^([a-z_]+)(\{(?:[a-z_]+="(?:[^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9]+(?:\.[0-9]+)?)$/.exec(line);
    if (m === null) throw new Error(`not a valid exposition line: ${JSON.stringify(line)}`);
    if (m[1] !== family) throw new Error(`sample outside its family's group (after # TYPE ${family}): ${line}`);
    const key = `${m[1]}${m[2] ?? ''}`;
    if (out.has(key)) throw new Error(`duplicate series ${key}`);
    out.set(key, Number(m[3]));
  }
  return out;
}

import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * A small DKIM verifier (RFC 6376, RFC 8463) for tests: relaxed and simple canonicalisation,
 * rsa-sha256, rsa-sha1 and ed25519-sha256, keys given by selector and domain. Messages stored with
 * bare LF line ends are read as CRLF, as a receiving MTA would have seen them.
 */

export interface DkimResult {
  domain: string;
  selector: string;
  algorithm: string;
  /** 'pass', 'fail: …', or 'no key' when the test has no public key for the selector. */
  status: string;
}

function tags(value: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const piece of value.split(';')) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    map.set(
      piece.slice(0, eq).trim(),
      piece
        .slice(eq + 1)
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }
  return map;
}

function splitMessage(raw: Buffer): { fields: string[]; body: string } {
  const text = raw.toString('latin1').replace(/\r?\n/g, '\r\n');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end + 2);
  const body = end < 0 ? '' : text.slice(end + 4);
  const fields: string[] = [];
  for (const line of head.split(/(?<=\r\n)/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += line;
    else if (line) fields.push(line);
  }
  return { fields, body };
}

function canonHeader(field: string, relaxed: boolean): string {
  if (!relaxed) return field;
  const colon = field.indexOf(':');
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}\r\n`;
}

function canonBody(body: string, relaxed: boolean): string {
  let text = body;
  if (relaxed) text = text.replace(/[ \t]+\r\n/g, '\r\n').replace(/[ \t]+/g, ' ');
  text = text.replace(/(\r\n)*$/, '');
  if (text === '' && relaxed) return '';
  return `${text}\r\n`;
}

const ALGORITHMS: Record<string, { hash: string; sign: string | null }> = {
  'rsa-sha256': { hash: 'sha256', sign: 'RSA-SHA256' },
  'rsa-sha1': { hash: 'sha1', sign: 'RSA-SHA1' },
  'ed25519-sha256': { hash: 'sha256', sign: null },
};

/** An Ed25519 public key from its raw 32 bytes (the DNS p= value). */
export function ed25519Key(base64: string): KeyObject {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(base64, 'base64')]);
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

export function verifyDkim(raw: Buffer, keys: Map<string, KeyObject>): DkimResult[] {
  const { fields, body } = splitMessage(raw);
  const results: DkimResult[] = [];
  for (const signature of fields.filter((f) => /^dkim-signature\s*:/i.test(f))) {
    const t = tags(signature.slice(signature.indexOf(':') + 1));
    const algorithm = t.get('a') ?? '';
    const result = { domain: t.get('d') ?? '', selector: t.get('s') ?? '', algorithm, status: 'pass' };
    results.push(result);
    const key = keys.get(`${result.selector}._domainkey.${result.domain}`);
    const alg = ALGORITHMS[algorithm];
    if (!key || !alg) {
      result.status = key ? `fail: unsupported algorithm ${algorithm}` : 'no key';
      continue;
    }
    const [headerCanon, bodyCanon = 'simple'] = (t.get('c') ?? 'simple/simple').split('/');
    let canonical = canonBody(body, bodyCanon === 'relaxed');
    const limit = t.get('l');
    if (limit) canonical = canonical.slice(0, Number(limit));
    const bodyHash = createHash(alg.hash).update(canonical, 'latin1').digest('base64');
    if (bodyHash !== (t.get('bh') ?? '').replace(/\s/g, '')) {
      result.status = 'fail: body hash';
      continue;
    }
    const relaxed = headerCanon === 'relaxed';
    const used = new Set<number>();
    let data = '';
    for (const name of (t.get('h') ?? '').split(':').map((n) => n.trim().toLowerCase())) {
      // Instances are taken from the bottom up; a name listed more often than present adds nothing.
      for (let i = fields.length - 1; i >= 0; i--) {
        const field = fields[i] as string;
        if (used.has(i) || field.slice(0, field.indexOf(':')).trim().toLowerCase() !== name) continue;
        used.add(i);
        data += canonHeader(field, relaxed);
        break;
      }
    }
    const unsigned = signature.replace(/(\bb\s*=)[^;]*/, '$1');
    data += canonHeader(unsigned, relaxed).replace(/\r\n$/, '');
    const sig = Buffer.from((t.get('b') ?? '').replace(/\s/g, ''), 'base64');
    const ok = alg.sign
      ? verify(alg.sign, Buffer.from(data, 'latin1'), key, sig)
      : verify(null, createHash('sha256').update(data, 'latin1').digest(), key, sig);
    if (!ok) result.status = 'fail: signature';
  }
  return results;
}

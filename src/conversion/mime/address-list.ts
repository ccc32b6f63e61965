import type { MailAddress } from '../../sources/mail-source';
import { decodeEncodedWords } from './encoded-words';

/**
 * RFC 5322 address lists (From, To, Cc, Bcc): mailboxes, `Name <addr>`, groups (`Team: a, b;`),
 * quoted display names and comments. Display names are RFC 2047-decoded after unquoting, since
 * many clients quote encoded words. Anything unparseable is kept as a name rather than dropped.
 */

interface Token {
  kind: 'text' | 'quoted' | 'comment' | 'angle' | 'special';
  text: string;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      i++;
      tokens.push({ kind: 'quoted', text });
    } else if (c === '(') {
      let depth = 1;
      let text = '';
      i++;
      while (i < input.length && depth > 0) {
        const d = input[i] as string;
        if (d === '\\' && i + 1 < input.length) {
          text += input[i + 1];
          i += 2;
          continue;
        }
        if (d === '(') depth++;
        if (d === ')') depth--;
        if (depth > 0) text += d;
        i++;
      }
      tokens.push({ kind: 'comment', text });
    } else if (c === '<') {
      const close = input.indexOf('>', i);
      const end = close < 0 ? input.length : close;
      tokens.push({ kind: 'angle', text: input.slice(i + 1, end) });
      i = end + 1;
    } else if (c === ',' || c === ':' || c === ';') {
      tokens.push({ kind: 'special', text: c });
      i++;
    } else {
      let text = '';
      while (i < input.length && !'"(<,:;'.includes(input[i] as string)) text += input[i++];
      tokens.push({ kind: 'text', text });
    }
  }
  return tokens;
}

function clean(text: string): string {
  return decodeEncodedWords(text.replace(/\s+/g, ' ').trim()).trim();
}

function toAddress(tokens: Token[]): MailAddress | undefined {
  const angle = tokens.find((t) => t.kind === 'angle');
  const comments = tokens.filter((t) => t.kind === 'comment').map((t) => t.text);
  const phrase = tokens
    .filter((t) => t.kind === 'text' || t.kind === 'quoted')
    .map((t) => t.text)
    .join(' ');
  let address: string | undefined;
  let name: string | undefined;
  if (angle) {
    address = angle.text.trim().replace(/^.*:/, '') || undefined; // drop an obsolete source route
    name = clean(phrase) || clean(comments.join(' ')) || undefined;
  } else {
    const words = phrase.trim().split(/\s+/).filter(Boolean);
    const at = words.findIndex((w) => w.includes('@'));
    if (at >= 0 && words.length === 1) address = words[0];
    else if (at >= 0) {
      address = words[at];
      name = clean(words.filter((_, i) => i !== at).join(' ')) || undefined;
    } else name = clean(phrase) || undefined;
    name = name ?? (clean(comments.join(' ')) || undefined);
  }
  if (!address && !name) return undefined;
  const result: MailAddress = {};
  if (name) result.name = name;
  if (address) result.address = address.trim();
  return result;
}

export function parseAddressList(value: string | undefined): MailAddress[] {
  if (!value) return [];
  const out: MailAddress[] = [];
  let current: Token[] = [];
  const finish = () => {
    const address = toAddress(current);
    if (address) out.push(address);
    current = [];
  };
  for (const token of tokenize(value)) {
    if (token.kind === 'special') {
      // ':' opens a group (its name is not an address); ';' closes it; ',' separates mailboxes.
      if (token.text === ':') current = [];
      else finish();
    } else current.push(token);
  }
  finish();
  return out;
}

/**
 * Streaming Content-Transfer-Encoding decoders. Each takes raw body bytes in arbitrary chunks and
 * returns decoded bytes, so a 100 MB attachment is decoded straight to disk. They never throw:
 * stray characters in base64, truncated input and broken =XX escapes are skipped (or kept) and
 * reported in `problems`, which conversion turns into flags.malformed.
 */
export interface TransferDecoder {
  write(raw: Buffer): Buffer;
  end(): Buffer;
  readonly problems: string[];
}

class IdentityDecoder implements TransferDecoder {
  readonly problems: string[] = [];
  constructor(problem?: string) {
    if (problem) this.problems.push(problem);
  }
  write(raw: Buffer): Buffer {
    return raw;
  }
  end(): Buffer {
    return Buffer.alloc(0);
  }
}

const NOT_BASE64 = /[^A-Za-z0-9+/=]/g;

class Base64Decoder implements TransferDecoder {
  readonly problems: string[] = [];
  private rest = '';
  private invalid = 0;
  private sawPadding = false;
  private dataAfterPadding = false;

  write(raw: Buffer): Buffer {
    let text = raw.toString('latin1').replace(/[\r\n\t ]+/g, '');
    if (NOT_BASE64.test(text)) {
      NOT_BASE64.lastIndex = 0;
      const before = text.length;
      text = text.replace(NOT_BASE64, '');
      this.invalid += before - text.length;
    }
    NOT_BASE64.lastIndex = 0;
    return this.decode(this.rest + text, false);
  }

  private decode(text: string, final: boolean): Buffer {
    const out: Buffer[] = [];
    let remaining = text;
    // Padding ends a base64 run; some encoders concatenate runs, so decode each one on its own.
    let pad = remaining.indexOf('=');
    while (pad >= 0) {
      if (this.sawPadding && pad > 0) this.dataAfterPadding = true;
      const segment = remaining.slice(0, pad);
      if (segment.length % 4 === 1) this.problems.push('truncated base64 group');
      out.push(Buffer.from(segment, 'base64'));
      let next = pad;
      while (remaining[next] === '=') next++;
      remaining = remaining.slice(next);
      this.sawPadding = true;
      pad = remaining.indexOf('=');
    }
    if (this.sawPadding && remaining.length > 0) this.dataAfterPadding = true;
    const whole = final ? remaining.length : remaining.length - (remaining.length % 4);
    if (final && whole % 4 === 1) this.problems.push('truncated base64 group');
    out.push(Buffer.from(remaining.slice(0, whole), 'base64'));
    this.rest = remaining.slice(whole);
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  end(): Buffer {
    const tail = this.decode(this.rest, true);
    if (this.invalid > 0) this.problems.push(`bad base64 (${this.invalid} characters outside the alphabet)`);
    if (this.dataAfterPadding) this.problems.push('base64 data after padding');
    return tail;
  }
}

const MAX_QP_LINE = 64 * 1024;

class QuotedPrintableDecoder implements TransferDecoder {
  readonly problems: string[] = [];
  private pending = '';
  private badEscapes = 0;

  write(raw: Buffer): Buffer {
    const text = this.pending + raw.toString('latin1');
    const lastNl = text.lastIndexOf('\n');
    if (lastNl < 0 && text.length <= MAX_QP_LINE) {
      this.pending = text;
      return Buffer.alloc(0);
    }
    // Whole lines are decoded; an over-long line is decoded up to a safe point (not inside =XX).
    let cut = lastNl + 1;
    if (lastNl < 0) cut = Math.max(0, text.length - 2);
    this.pending = text.slice(cut);
    return this.decodeText(text.slice(0, cut));
  }

  /** `final`: the text ends the body, so its last line is complete even without a line break. */
  private decodeText(text: string, final = false): Buffer {
    let out = '';
    for (const line of text.split(/(?<=\n)/)) {
      const hasBreak = line.endsWith('\n');
      const complete = hasBreak || final;
      let body = hasBreak ? line.replace(/\r?\n$/, '') : line;
      const lineBreak = hasBreak ? line.slice(body.length) : '';
      // Trailing whitespace was added in transport and is not content (RFC 2045 section 6.7 rule 3).
      if (complete) body = body.replace(/[ \t]+$/, '');
      let soft = false;
      if (complete && body.endsWith('=')) {
        soft = true;
        body = body.slice(0, -1);
      }
      out += this.unescape(body) + (soft ? '' : lineBreak);
    }
    return Buffer.from(out, 'latin1');
  }

  private unescape(text: string): string {
    if (!text.includes('=')) return text;
    return text.replace(/=([0-9A-Fa-f]{2})|=/g, (whole, hex: string | undefined) => {
      if (hex) return String.fromCharCode(parseInt(hex, 16));
      this.badEscapes++;
      return whole;
    });
  }

  end(): Buffer {
    const tail = this.decodeText(this.pending, true);
    this.pending = '';
    if (this.badEscapes > 0) this.problems.push(`bad quoted-printable escapes (${this.badEscapes})`);
    return tail;
  }
}

/** The decoder for a Content-Transfer-Encoding value ('' and unknown values pass bytes through). */
export function createTransferDecoder(encoding: string): TransferDecoder {
  const key = encoding.toLowerCase().replace(/[^a-z0-9]/g, '');
  switch (key) {
    case 'base64':
      return new Base64Decoder();
    case 'quotedprintable':
      return new QuotedPrintableDecoder();
    case '':
    case '7bit':
    case '8bit':
    case '8bits':
    case '7bits':
    case 'binary':
      return new IdentityDecoder();
    default:
      return new IdentityDecoder(`unknown Content-Transfer-Encoding "${encoding}" (kept as is)`);
  }
}

import { SeededRandom } from '../../src/simulators/seeded-random';
import {
  base64Body,
  encodedWords,
  encodeText,
  entity,
  multipartBody,
  quotedPrintable,
  rfc2231,
  serialize,
  type Charset,
  type Entity,
} from './mime-builder';
import { docxFile, gifFile, jpegFile, oleFile, pdfFile, pngFile, xlsxFile } from './sample-files';

/** The pieces the test-mail templates (mail-templates.ts) are built from: pools, types, Builder. */

export interface ExpectedFile {
  /** The name the sender meant (decoded, not sanitised); '' when the part has none. */
  name: string;
  /** The name conversion should give the file (unless the mail is `hostile`). */
  outName: string;
  data: Buffer;
  role: 'attachment' | 'calendar' | 'nested-message' | 'tnef-file';
  /** The type conversion should settle on. */
  contentType: string;
  /** An image the HTML body references by cid: (skip-images drops it when small). */
  inlineImage?: boolean;
  /** Attachments of a nested message. */
  nested?: ExpectedFile[];
}

/**
 * What conversion should name a file and which type it should give it, by format. The generator
 * records the .eml view; with format msg a nested message that conversion unpacks (one not deeper
 * than maxNestingDepth) becomes an Outlook .msg file of its own ("Weitergeleitet.eml" →
 * "Weitergeleitet.msg", application/vnd.ms-outlook, declared message/rfc822). Deeper nested mail
 * stays the RFC 822 file it arrived as, in either format.
 */
export function expectedOutput(
  file: ExpectedFile,
  format: 'eml' | 'msg',
  unpacked: boolean,
): { name: string; contentType: string; declaredContentType?: string } {
  if (format === 'eml' || file.role !== 'nested-message' || !unpacked)
    return { name: file.outName, contentType: file.contentType };
  if (!/\.eml$/.test(file.outName)) throw new Error(`nested message ${file.outName} is not named .eml`);
  return {
    name: file.outName.replace(/\.eml$/, '.msg'),
    contentType: 'application/vnd.ms-outlook',
    declaredContentType: file.contentType,
  };
}

export interface GeneratedMail {
  id: string;
  template: string;
  raw: Buffer;
  eol: string;
  subject?: string;
  fromName?: string;
  files: ExpectedFile[];
  /** flags.malformed must say something. */
  malformed: boolean;
  /** The MIME structure or an encoding is broken: the message file must stay as received. */
  structural: boolean;
  /** Names are hostile: only the rules are checked, not the exact name. */
  hostile: boolean;
  calendar?: boolean;
  tnef?: boolean;
  smime?: 'signed';
}

export const SUBJECTS: Record<Charset, string[]> = {
  'utf-8': ['Rechnung Nr. 4711 – fällig ✓', 'Ζήτηση προσφοράς für Ω-Projekt', 'Фактура № 12 от 30.11.'],
  'iso-8859-1': ['Réunion: ordre du jour à ­confirmer', 'Grüße aus Köln – Straße 5'.replace('–', '-')],
  'windows-1252': ['Angebot für “Projekt X” – 50 €', 'Zoë’s café ‚notes‘'],
  shift_jis: ['【重要】請求書の送付について', '会議資料（第３四半期）'],
};

export const PEOPLE: Record<Charset, string[]> = {
  'utf-8': ['Jürgen Müller', 'Łukasz Żółć', '王小明'],
  'iso-8859-1': ['José Álvarez', 'Renée Dubois'],
  'windows-1252': ['Zoë “Z” O’Neil', 'Ævar Œrsted'],
  shift_jis: ['山田 太郎', 'スズキ ハナコ'],
};

export const STEMS: Record<Charset, string[]> = {
  'utf-8': ['Rechnung März 2026', '見積書_第3四半期', 'naïve café', '数据报告', '📎 notes'],
  'iso-8859-1': ['Résumé été', 'Grüße aus Köln', 'Año contable'],
  'windows-1252': ['Angebot “Premium” – 2026', 'Preis 100€', 'Zitat ‚so‘'],
  shift_jis: ['請求書', '会議資料', 'テスト画像', '報告書 (最終)'],
};

export const CHARSETS: Charset[] = ['utf-8', 'iso-8859-1', 'windows-1252', 'shift_jis'];

export type Kind = 'pdf' | 'png' | 'jpeg' | 'gif' | 'docx' | 'xlsx' | 'doc' | 'txt' | 'csv';
export const KINDS: Kind[] = ['pdf', 'png', 'jpeg', 'gif', 'docx', 'xlsx', 'doc', 'txt', 'csv'];
export const TYPES: Record<Kind, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  doc: 'application/msword',
  txt: 'text/plain',
  csv: 'text/csv',
};
export const EXT: Record<Kind, string> = {
  pdf: 'pdf',
  png: 'png',
  jpeg: 'jpg',
  gif: 'gif',
  docx: 'docx',
  xlsx: 'xlsx',
  doc: 'doc',
  txt: 'txt',
  csv: 'csv',
};

/** Hostile names as senders (or attackers) write them. */
export class Builder {
  readonly random: SeededRandom;
  constructor(
    seed: number,
    readonly eol: string,
  ) {
    this.random = new SeededRandom(seed);
  }

  boundary(): string {
    return `=_pr_${this.random.hex(12)}`;
  }

  fileData(kind: Kind, size?: number): Buffer {
    const r = this.random;
    switch (kind) {
      case 'pdf':
        return pdfFile(r, size ?? 1_000 + r.int(6_000));
      case 'png':
        return pngFile(r, size ?? 500 + r.int(4_000));
      case 'jpeg':
        return jpegFile(r, size ?? 1_000 + r.int(6_000));
      case 'gif':
        return gifFile(r, size ?? 300 + r.int(2_000));
      case 'docx':
        return docxFile(r);
      case 'xlsx':
        return xlsxFile(r);
      case 'doc':
        return oleFile('WordDocument');
      case 'txt':
        return Buffer.from(`Line one ${r.hex(8)}${this.eol}Zeile zwei: Grüße${this.eol}`, 'utf8');
      case 'csv':
        return Buffer.from(`id;amount${this.eol}1;10.50${this.eol}2;${r.int(999)}${this.eol}`, 'utf8');
    }
  }

  /** A filename parameter for `name` in the given charset and method. */
  nameParam(name: string, charset: Charset, method: number): string | Buffer {
    switch (method % 5) {
      case 0:
        return `Content-Disposition: attachment;\n filename="${encodedWords(name, charset, 'B', 8)}"`;
      case 1:
        return `Content-Disposition: attachment;\n filename="${encodedWords(name, charset, 'Q', 8)}"`;
      case 2:
        return `Content-Disposition: attachment;\n ${rfc2231('filename', name, charset, 1, this.eol)}`;
      case 3:
        return `Content-Disposition: attachment;\n ${rfc2231('filename', name, charset, 3, this.eol)}`;
      default:
        // RFC 6532 style: the name as raw UTF-8 in the header.
        return Buffer.from(`Content-Disposition: attachment; filename="${name}"`, 'utf8');
    }
  }

  attachment(kind: Kind, name: string, charset: Charset, method: number, declared?: string): Entity {
    const data = this.fileData(kind);
    return this.attachmentOf(data, kind, name, charset, method, declared);
  }

  attachmentOf(
    data: Buffer,
    kind: Kind,
    name: string,
    charset: Charset,
    method: number,
    declared?: string,
  ): Entity {
    const type = declared ?? TYPES[kind];
    const textual = kind === 'txt' || kind === 'csv';
    const qp = textual && this.random.int(2) === 0;
    return entity(
      [
        `Content-Type: ${type}${textual ? '; charset=utf-8' : ''}`,
        this.nameParam(name, method % 5 === 4 ? 'utf-8' : charset, method),
        `Content-Transfer-Encoding: ${qp ? 'quoted-printable' : 'base64'}`,
      ],
      qp ? quotedPrintable(data, this.eol) : base64Body(data, this.eol),
    );
  }

  textPart(text: string, charset: Charset): Entity {
    const bytes = encodeText(text, charset);
    const cte = this.random.pick(['quoted-printable', 'base64', '8bit'] as const);
    const body =
      cte === 'base64'
        ? base64Body(bytes, this.eol)
        : cte === 'quoted-printable'
          ? quotedPrintable(bytes, this.eol)
          : bytes;
    return entity(
      [`Content-Type: text/plain; charset=${charset}`, `Content-Transfer-Encoding: ${cte}`],
      body,
    );
  }

  headers(
    subject: string,
    charset: Charset,
    fromName: string,
    /** rawUtf8: subject and sender name as raw UTF-8 (RFC 6532) instead of encoded words. */
    extra: { date?: boolean; messageId?: number; rawUtf8?: boolean } = {},
  ) {
    const encoding = this.random.int(2) === 0 ? 'B' : 'Q';
    const quote = this.random.int(3) === 0;
    const from = extra.rawUtf8 ? fromName : encodedWords(fromName, charset, encoding, 6);
    const lines: Array<string | Buffer> = [
      Buffer.from(`From: ${quote ? `"${from}"` : from} <sender${this.random.int(99)}@example.com>`, 'utf8'),
      `To: ${encodedWords(this.random.pick(PEOPLE['utf-8']), 'utf-8', 'Q', 5)} <to@example.org>, plain@example.org`,
      Buffer.from(`Subject: ${extra.rawUtf8 ? subject : encodedWords(subject, charset, encoding)}`, 'utf8'),
    ];
    if (extra.date !== false)
      lines.push(`Date: Mon, ${1 + this.random.int(28)} Nov 2026 10:${10 + this.random.int(49)}:00 +0100`);
    for (let i = 0; i < (extra.messageId ?? 1); i++)
      lines.push(`Message-ID: <${this.random.hex(16)}@example.com>`);
    lines.push('MIME-Version: 1.0');
    return lines;
  }

  message(headers: Array<string | Buffer>, body: Entity): Buffer {
    return serialize(entity([...headers, ...body.headers], body.body), this.eol);
  }

  multipart(subtype: string, children: Entity[], extraType = '', noClose = false): Entity {
    const boundary = this.boundary();
    return entity(
      [`Content-Type: multipart/${subtype}; boundary="${boundary}"${extraType}`],
      multipartBody(boundary, children, this.eol, {
        preamble: this.random.int(2) ? 'This is a multi-part message in MIME format.' : undefined,
        noClose,
      }),
    );
  }
}

export type Template = (b: Builder, i: number) => Omit<GeneratedMail, 'id' | 'template' | 'eol'>;

export function person(b: Builder, charset: Charset): string {
  return b.random.pick(PEOPLE[charset]);
}

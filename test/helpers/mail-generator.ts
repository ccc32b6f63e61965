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
import {
  docxFile,
  gifFile,
  icsFile,
  jpegFile,
  oleFile,
  pdfFile,
  pngFile,
  randomBytes,
  tnefFile,
  xlsxFile,
} from './sample-files';

/**
 * A seeded corpus of test messages (`generateMails(seed)`): the same seed gives byte-identical
 * messages. Each message says what conversion should find in it (files with their decoded bytes,
 * subject, sender, flags), so tests can check conversion against the generator's own knowledge
 * as well as against an independent parser.
 */

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

const SUBJECTS: Record<Charset, string[]> = {
  'utf-8': ['Rechnung Nr. 4711 – fällig ✓', 'Ζήτηση προσφοράς für Ω-Projekt', 'Фактура № 12 от 30.11.'],
  'iso-8859-1': ['Réunion: ordre du jour à ­confirmer', 'Grüße aus Köln – Straße 5'.replace('–', '-')],
  'windows-1252': ['Angebot für “Projekt X” – 50 €', 'Zoë’s café ‚notes‘'],
  shift_jis: ['【重要】請求書の送付について', '会議資料（第３四半期）'],
};

const PEOPLE: Record<Charset, string[]> = {
  'utf-8': ['Jürgen Müller', 'Łukasz Żółć', '王小明'],
  'iso-8859-1': ['José Álvarez', 'Renée Dubois'],
  'windows-1252': ['Zoë “Z” O’Neil', 'Ævar Œrsted'],
  shift_jis: ['山田 太郎', 'スズキ ハナコ'],
};

const STEMS: Record<Charset, string[]> = {
  'utf-8': ['Rechnung März 2026', '見積書_第3四半期', 'naïve café', '数据报告', '📎 notes'],
  'iso-8859-1': ['Résumé été', 'Grüße aus Köln', 'Año contable'],
  'windows-1252': ['Angebot “Premium” – 2026', 'Preis 100€', 'Zitat ‚so‘'],
  shift_jis: ['請求書', '会議資料', 'テスト画像', '報告書 (最終)'],
};

const CHARSETS: Charset[] = ['utf-8', 'iso-8859-1', 'windows-1252', 'shift_jis'];

type Kind = 'pdf' | 'png' | 'jpeg' | 'gif' | 'docx' | 'xlsx' | 'doc' | 'txt' | 'csv';
const KINDS: Kind[] = ['pdf', 'png', 'jpeg', 'gif', 'docx', 'xlsx', 'doc', 'txt', 'csv'];
const TYPES: Record<Kind, string> = {
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
const EXT: Record<Kind, string> = {
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
export const HOSTILE_NAMES = [
  '../../etc/passwd',
  'C:\\x',
  'CON.txt',
  'nul',
  'lpt1.tar.gz',
  'report\u0001\u0007\u001b.pdf',
  `${'a'.repeat(296)}.pdf`,
  `${'ü'.repeat(148)}.pdf`,
  `${'日本語'.repeat(34)}.docx`,
  'trailing dots...',
  'ends with space . ',
  '<bad>:"name"|?*.txt',
  'invoice\u202efdp.exe',
  '..',
  '/',
  'dup.pdf',
  'DUP.pdf',
  'dup.pdf',
];

class Builder {
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
    extra: { date?: boolean; messageId?: number } = {},
  ) {
    const encoding = this.random.int(2) === 0 ? 'B' : 'Q';
    const quote = this.random.int(3) === 0;
    const from = encodedWords(fromName, charset, encoding, 6);
    const lines: Array<string | Buffer> = [
      `From: ${quote ? `"${from}"` : from} <sender${this.random.int(99)}@example.com>`,
      `To: ${encodedWords(this.random.pick(PEOPLE['utf-8']), 'utf-8', 'Q', 5)} <to@example.org>, plain@example.org`,
      `Subject: ${encodedWords(subject, charset, encoding)}`,
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

type Template = (b: Builder, i: number) => Omit<GeneratedMail, 'id' | 'template' | 'eol'>;

function person(b: Builder, charset: Charset): string {
  return b.random.pick(PEOPLE[charset]);
}

const charsetSubject: Template = (b, i) => {
  const charset = CHARSETS[i % 4] as Charset;
  const subject = b.random.pick(SUBJECTS[charset]);
  const fromName = person(b, charset);
  const raw = b.message(
    b.headers(subject, charset, fromName),
    b.textPart(`Body: ${subject}\nSecond line.`, charset),
  );
  return { raw, subject, fromName, files: [], malformed: false, structural: false, hostile: false };
};

const attachments: Template = (b, i) => {
  const charset = CHARSETS[(i >> 1) % 4] as Charset;
  const subject = b.random.pick(SUBJECTS[charset]);
  const fromName = person(b, charset);
  const files: ExpectedFile[] = [];
  const parts: Entity[] = [b.textPart('See the attached files.', charset)];
  const count = 2 + b.random.int(3);
  for (let n = 0; n < count; n++) {
    const kind = b.random.pick(KINDS);
    const variant = b.random.int(6);
    const stem = b.random.pick(STEMS[charset]);
    const binary = kind !== 'txt' && kind !== 'csv';
    // Variants: declared right; octet-stream (sniffed); a wrong type (sniffed); no extension.
    let declared: string | undefined;
    let name = `${stem} ${n + 1}.${EXT[kind]}`;
    if (variant === 1) declared = 'application/octet-stream';
    if (variant === 2 && binary) declared = kind === 'jpeg' ? 'application/pdf' : 'image/jpeg';
    if (variant === 3 && binary) {
      declared = 'application/octet-stream';
      name = `${stem} ${n + 1}`;
    }
    const data = b.fileData(kind);
    parts.push(b.attachmentOf(data, kind, name, charset, i + n, declared));
    const outName = variant === 3 && binary ? `${name}.${EXT[kind]}` : name;
    files.push({ name, outName, data, role: 'attachment', contentType: TYPES[kind] });
  }
  const raw = b.message(b.headers(subject, charset, fromName), b.multipart('mixed', parts));
  return { raw, subject, fromName, files, malformed: false, structural: false, hostile: false };
};

const inlineImages: Template = (b) => {
  const subject = 'Newsletter mit Bildern';
  const small = pngFile(b.random, 2_000 + b.random.int(12_000));
  const large = jpegFile(b.random, 25_000 + b.random.int(30_000));
  const pdf = pdfFile(b.random, 3_000);
  const unreferenced = gifFile(b.random, 600);
  const html =
    `<html><body><p>Hallo</p><img src="cid:small-${b.random.hex(6)}@x"><img src="CID:large@x">` +
    `<a href="cid:doc@x">PDF</a></body></html>`;
  const smallId = /cid:(small-[0-9a-f]+@x)/.exec(html)?.[1] as string;
  const image = (data: Buffer, type: string, name: string, cid: string, disposition: string) =>
    entity(
      [
        `Content-Type: ${type}; name="${name}"`,
        `Content-Disposition: ${disposition}; filename="${name}"`,
        `Content-ID: <${cid}>`,
        'Content-Transfer-Encoding: base64',
      ],
      base64Body(data, b.eol),
    );
  const alternative = b.multipart('alternative', [
    b.textPart('Hallo', 'utf-8'),
    entity(['Content-Type: text/html; charset=utf-8'], html),
  ]);
  const related = b.multipart(
    'related',
    [
      alternative,
      image(small, 'image/png', 'logo.png', smallId, 'inline'),
      image(large, 'image/jpeg', 'photo.jpg', 'large@x', 'inline'),
      // Clients mark real documents inline too: a PDF must never be skipped for that.
      image(pdf, 'application/pdf', 'Vertrag.pdf', 'doc@x', 'inline'),
      image(unreferenced, 'image/gif', 'not-in-body.gif', 'other@x', 'inline'),
    ],
    '; type="multipart/alternative"',
  );
  const raw = b.message(b.headers(subject, 'utf-8', 'News'), related);
  return {
    raw,
    subject,
    fromName: 'News',
    files: [
      {
        name: 'logo.png',
        outName: 'logo.png',
        data: small,
        role: 'attachment',
        contentType: 'image/png',
        inlineImage: true,
      },
      {
        name: 'photo.jpg',
        outName: 'photo.jpg',
        data: large,
        role: 'attachment',
        contentType: 'image/jpeg',
        inlineImage: true,
      },
      {
        name: 'Vertrag.pdf',
        outName: 'Vertrag.pdf',
        data: pdf,
        role: 'attachment',
        contentType: 'application/pdf',
      },
      {
        name: 'not-in-body.gif',
        outName: 'not-in-body.gif',
        data: unreferenced,
        role: 'attachment',
        contentType: 'image/gif',
      },
    ],
    malformed: false,
    structural: false,
    hostile: false,
  };
};

const hostileNames: Template = (b, i) => {
  const picks = [0, 1, 2, 3].map((k) => HOSTILE_NAMES[(i + k * 5) % HOSTILE_NAMES.length] as string);
  picks.push('dup.pdf', 'dup.pdf');
  const files: ExpectedFile[] = [];
  const parts: Entity[] = [b.textPart('Hostile names.', 'utf-8')];
  picks.forEach((name, n) => {
    const data = pdfFile(b.random, 800);
    parts.push(b.attachmentOf(data, 'pdf', name, 'utf-8', n === 0 ? 4 : n));
    files.push({ name, outName: name, data, role: 'attachment', contentType: 'application/pdf' });
  });
  const raw = b.message(
    b.headers('Hostile attachment names', 'utf-8', 'Mallory'),
    b.multipart('mixed', parts),
  );
  return {
    raw,
    subject: 'Hostile attachment names',
    fromName: 'Mallory',
    files,
    malformed: false,
    structural: false,
    hostile: true,
  };
};

function nestedMessage(b: Builder, depth: number, subject: string): { raw: Buffer; files: ExpectedFile[] } {
  const kind = b.random.pick(KINDS);
  const name = `${b.random.pick(STEMS['utf-8'])} level ${depth}.${EXT[kind]}`;
  const data = b.fileData(kind);
  const parts: Entity[] = [
    b.textPart(`Level ${depth}`, 'utf-8'),
    b.attachmentOf(data, kind, name, 'utf-8', depth + 2),
  ];
  const files: ExpectedFile[] = [{ name, outName: name, data, role: 'attachment', contentType: TYPES[kind] }];
  if (depth < 2) {
    const inner = nestedMessage(b, depth + 1, `Inner ${depth + 1}: ${subject}`);
    const named = b.random.int(2) === 0;
    parts.push(
      entity(
        [
          `Content-Type: message/rfc822${named ? '; name="Weitergeleitet.eml"' : ''}`,
          'Content-Disposition: attachment',
        ],
        inner.raw,
      ),
    );
    const innerName = named ? 'Weitergeleitet.eml' : `Inner ${depth + 1}: ${subject}.eml`;
    files.push({
      name: innerName,
      outName: innerName.replace(':', '_'),
      data: inner.raw,
      role: 'nested-message',
      contentType: 'message/rfc822',
      nested: inner.files,
    });
  }
  const raw = b.message(b.headers(subject, 'utf-8', 'Forwarder'), b.multipart('mixed', parts));
  return { raw, files };
}

const nested: Template = (b) => {
  const level1 = nestedMessage(b, 1, 'Projektunterlagen');
  const pdf = pdfFile(b.random, 1_200);
  const parts = [
    b.textPart('Forwarding two levels of mail.', 'utf-8'),
    b.attachmentOf(pdf, 'pdf', 'Deckblatt.pdf', 'utf-8', 2),
    entity(
      ['Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="Projektunterlagen.eml"'],
      level1.raw,
    ),
  ];
  const raw = b.message(
    b.headers('Fwd: Projektunterlagen', 'utf-8', 'Forwarder'),
    b.multipart('mixed', parts),
  );
  return {
    raw,
    subject: 'Fwd: Projektunterlagen',
    fromName: 'Forwarder',
    files: [
      {
        name: 'Deckblatt.pdf',
        outName: 'Deckblatt.pdf',
        data: pdf,
        role: 'attachment',
        contentType: 'application/pdf',
      },
      {
        name: 'Projektunterlagen.eml',
        outName: 'Projektunterlagen.eml',
        data: level1.raw,
        role: 'nested-message',
        contentType: 'message/rfc822',
        nested: level1.files,
      },
    ],
    malformed: false,
    structural: false,
    hostile: false,
  };
};

const calendar: Template = (b) => {
  const ics = icsFile('REQUEST', `${b.random.hex(10)}@example.com`);
  const cal = entity(
    ['Content-Type: text/calendar; charset=utf-8; method=REQUEST', 'Content-Transfer-Encoding: base64'],
    base64Body(ics, b.eol),
  );
  const alternative = b.multipart('alternative', [
    b.textPart('Einladung', 'utf-8'),
    entity(['Content-Type: text/html; charset=utf-8'], '<p>Einladung</p>'),
    cal,
  ]);
  const raw = b.message(b.headers('Einladung: Quarterly review', 'utf-8', 'Calendar'), alternative);
  return {
    raw,
    subject: 'Einladung: Quarterly review',
    fromName: 'Calendar',
    files: [{ name: '', outName: 'invite-1.ics', data: ics, role: 'calendar', contentType: 'text/calendar' }],
    malformed: false,
    structural: false,
    hostile: false,
    calendar: true,
  };
};

const MALFORMED = [
  'missing-close',
  'bad-base64',
  'broken-folding',
  'no-date',
  'no-message-id',
  'duplicate-message-id',
] as const;

const malformed: Template = (b, i) => {
  const variant = MALFORMED[
    Math.floor(i / Object.keys(TEMPLATES).length) % MALFORMED.length
  ] as (typeof MALFORMED)[number];
  const pdf = pdfFile(b.random, 1_500);
  let attachmentEntity = b.attachmentOf(pdf, 'pdf', 'Beleg.pdf', 'utf-8', 2);
  if (variant === 'bad-base64') {
    const lines = attachmentEntity.body.toString('latin1').split(b.eol);
    attachmentEntity = entity(
      attachmentEntity.headers,
      lines.map((l, n) => (n % 3 === 1 ? `${l.slice(0, 10)}!*${l.slice(10)}` : l)).join(b.eol),
    );
  }
  const headers = b.headers('Beleg', 'utf-8', 'Sender', {
    date: variant !== 'no-date',
    messageId: variant === 'no-message-id' ? 0 : variant === 'duplicate-message-id' ? 2 : 1,
  });
  let subject = 'Beleg';
  if (variant === 'broken-folding') {
    const at = headers.findIndex((h) => typeof h === 'string' && h.startsWith('Subject:'));
    headers[at] = 'Subject: Beleg\nfür den Monat';
    subject = 'Beleg für den Monat';
  }
  const body = b.multipart(
    'mixed',
    [b.textPart('Anbei.', 'utf-8'), attachmentEntity],
    '',
    variant === 'missing-close',
  );
  const raw = b.message(headers, body);
  const structural = variant === 'missing-close' || variant === 'bad-base64' || variant === 'broken-folding';
  return {
    raw,
    subject,
    fromName: 'Sender',
    files: [
      {
        name: 'Beleg.pdf',
        outName: 'Beleg.pdf',
        data: pdf,
        role: 'attachment',
        contentType: 'application/pdf',
      },
    ],
    malformed: true,
    structural,
    hostile: false,
  };
};

const tnef: Template = (b) => {
  const inner = [
    { name: 'Angebot.pdf', data: pdfFile(b.random, 2_000) },
    { name: 'Liste.txt', data: Buffer.from(`Position 1${b.eol}Position 2${b.eol}`) },
  ];
  const parts = [
    b.textPart('Outlook sent this with TNEF.', 'utf-8'),
    entity(
      [
        'Content-Type: application/ms-tnef; name="winmail.dat"',
        'Content-Disposition: attachment; filename="winmail.dat"',
        'Content-Transfer-Encoding: base64',
      ],
      base64Body(tnefFile(inner), b.eol),
    ),
  ];
  const raw = b.message(b.headers('TNEF message', 'utf-8', 'Outlook'), b.multipart('mixed', parts));
  return {
    raw,
    subject: 'TNEF message',
    fromName: 'Outlook',
    files: [
      {
        name: 'Angebot.pdf',
        outName: 'Angebot.pdf',
        data: inner[0]!.data,
        role: 'tnef-file',
        contentType: 'application/pdf',
      },
      {
        name: 'Liste.txt',
        outName: 'Liste.txt',
        data: inner[1]!.data,
        role: 'tnef-file',
        contentType: 'text/plain',
      },
    ],
    malformed: false,
    structural: false,
    hostile: false,
    tnef: true,
  };
};

const signed: Template = (b) => {
  const pdf = pdfFile(b.random, 1_800);
  const content = b.multipart('mixed', [
    b.textPart('Signed content.', 'utf-8'),
    b.attachmentOf(pdf, 'pdf', 'Signiert.pdf', 'utf-8', 2),
  ]);
  const signature = entity(
    [
      'Content-Type: application/pkcs7-signature; name="smime.p7s"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="smime.p7s"',
    ],
    base64Body(randomBytes(b.random, 700), b.eol),
  );
  const boundary = b.boundary();
  const body = entity(
    [
      `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"`,
    ],
    multipartBody(boundary, [content, signature], b.eol),
  );
  const raw = b.message(b.headers('Signed mail', 'utf-8', 'Signer'), body);
  return {
    raw,
    subject: 'Signed mail',
    fromName: 'Signer',
    files: [
      {
        name: 'Signiert.pdf',
        outName: 'Signiert.pdf',
        data: pdf,
        role: 'attachment',
        contentType: 'application/pdf',
      },
    ],
    malformed: false,
    structural: false,
    hostile: false,
    smime: 'signed',
  };
};

const singlePart: Template = (b) => {
  const pdf = pdfFile(b.random, 2_500);
  const raw = b.message(
    [
      ...b.headers('Scan', 'utf-8', 'Scanner'),
      'Content-Type: application/octet-stream; name="scan0001"',
      'Content-Disposition: attachment; filename="scan0001"',
      'Content-Transfer-Encoding: base64',
    ],
    entity([], base64Body(pdf, b.eol)),
  );
  return {
    raw,
    subject: 'Scan',
    fromName: 'Scanner',
    files: [
      {
        name: 'scan0001',
        outName: 'scan0001.pdf',
        data: pdf,
        role: 'attachment',
        contentType: 'application/pdf',
      },
    ],
    malformed: false,
    structural: false,
    hostile: false,
  };
};

const graphItem: Template = (b) => {
  const inner = nestedMessage(b, 2, 'Besprechungsnotiz');
  const parts = [
    entity(['Content-Type: text/html; charset=utf-8'], '<p>Item attachment</p>'),
    entity(['Content-Type: message/rfc822'], inner.raw),
  ];
  const raw = b.message(b.headers('Mit Element', 'utf-8', 'Graph'), b.multipart('mixed', parts));
  return {
    raw,
    subject: 'Mit Element',
    fromName: 'Graph',
    files: [
      {
        name: 'Besprechungsnotiz.eml',
        outName: 'Besprechungsnotiz.eml',
        data: inner.raw,
        role: 'nested-message',
        contentType: 'message/rfc822',
        nested: inner.files,
      },
    ],
    malformed: false,
    structural: false,
    hostile: false,
  };
};

const TEMPLATES: Record<string, Template> = {
  'charset-subject': charsetSubject,
  attachments,
  'inline-images': inlineImages,
  'hostile-names': hostileNames,
  nested,
  calendar,
  malformed,
  tnef,
  signed,
  'single-part': singlePart,
  'graph-item': graphItem,
};

/** `count` messages cycling through every template; identical for identical seeds. */
export function generateMails(seed: number, count = 66): GeneratedMail[] {
  const names = Object.keys(TEMPLATES);
  const mails: GeneratedMail[] = [];
  for (let i = 0; i < count; i++) {
    const template = names[i % names.length] as string;
    const eol = i % 5 === 4 ? '\n' : '\r\n';
    const builder = new Builder((seed * 7919 + i) >>> 0, eol);
    const mail = (TEMPLATES[template] as Template)(builder, i);
    mails.push({ id: `m${String(i).padStart(2, '0')}-${template}`, template, eol, ...mail });
  }
  return mails;
}

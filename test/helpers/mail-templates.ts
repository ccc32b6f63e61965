import { base64Body, entity, multipartBody, type Charset, type Entity } from './mime-builder';
import {
  Builder,
  CHARSETS,
  EXT,
  KINDS,
  person,
  STEMS,
  SUBJECTS,
  TYPES,
  type ExpectedFile,
  type Template,
} from './mail-builder';
import { gifFile, icsFile, jpegFile, pdfFile, pngFile, randomBytes, tnefFile } from './sample-files';

/** The templates of the generated test mail, one per kind of message conversion must handle. */

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

const charsetSubject: Template = (b, i) => {
  const charset = CHARSETS[i % 4] as Charset;
  const subject = b.random.pick(SUBJECTS[charset]);
  const fromName = person(b, charset);
  // One of them writes subject and sender as raw UTF-8 (RFC 6532).
  const rawUtf8 = charset === 'utf-8' && i % 8 === 4;
  const raw = b.message(
    b.headers(subject, charset, fromName, { rawUtf8 }),
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
    const at = headers.findIndex((h) => h.toString().startsWith('Subject:'));
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

export const TEMPLATES: Record<string, Template> = {
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

import {
  ascii,
  base64Lines,
  CRLF,
  encodedWordB,
  encodedWordQ,
  quotedPrintable,
  rfc5322Date,
  SeededRandom,
  tinyPdf,
  tinyPng,
} from './sample-mail-parts';

/*
 * Deterministic test mail that exercises what real mailboxes hold and naive code gets wrong:
 * 8-bit bodies in legacy charsets, encoded headers, inline images, attachments without a
 * helpful content type, RFC 2231 filenames, forwarded messages and invitations. Every byte is
 * assembled as a Buffer; 8-bit content never passes through a UTF-8 string conversion.
 */

interface Person {
  name: string;
  address: string;
}

const PEOPLE: Person[] = [
  { name: 'Alice Example', address: 'alice@example.com' },
  { name: "Bob O'Neil", address: 'bob.oneil@example.org' },
  { name: 'Jürgen Müller', address: 'j.mueller@example.de' },
  { name: 'Zoë Faßbender', address: 'zoe@example.at' },
  { name: 'Carol Smith', address: 'carol.smith@example.net' },
  { name: '山田 太郎', address: 'yamada@example.jp' },
  { name: 'Accounts Payable', address: 'ap@supplier.example' },
  { name: 'Dave Jones', address: 'dave@example.co.uk' },
];

const WORDS = [
  'invoice',
  'quarterly',
  'report',
  'meeting',
  'contract',
  'shipment',
  'approval',
  'budget',
  'project',
  'delivery',
  'schedule',
  'review',
  'payment',
  'order',
  'reminder',
  'summary',
];

interface Context {
  rnd: SeededRandom;
  index: number;
  topic: string;
}

interface Built {
  subject: string;
  /** Content headers + blank line + body of the top-level entity. */
  entity: Buffer;
}

function entity(headers: string[], body: Buffer): Buffer {
  return Buffer.concat([ascii(headers.join(CRLF) + CRLF + CRLF), body]);
}

function multipart(subtype: string, ctx: Context, parts: Buffer[], extra = ''): Buffer {
  const boundary = `----=_Part_${ctx.index}_${ctx.rnd.hex(12)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) chunks.push(ascii(`--${boundary}${CRLF}`), part, ascii(CRLF));
  chunks.push(ascii(`--${boundary}--${CRLF}`));
  return entity(
    [`Content-Type: multipart/${subtype}; boundary="${boundary}"${extra}`],
    Buffer.concat(chunks),
  );
}

function utf8Text(text: string): Buffer {
  return entity(
    ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
    ascii(quotedPrintable(Buffer.from(text.replace(/\n/g, CRLF), 'utf8'))),
  );
}

function utf8Html(html: string): Buffer {
  return entity(
    ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
    ascii(quotedPrintable(Buffer.from(html.replace(/\n/g, CRLF), 'utf8'))),
  );
}

function sentence(ctx: Context, words = 8): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(ctx.rnd.pick(WORDS));
  const text = out.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

const bytes = (...values: number[]): Buffer => Buffer.from(values);

const VARIANTS: { name: string; build: (ctx: Context) => Built }[] = [
  {
    name: 'plain-utf8',
    build: (ctx) => ({
      subject: `Plain note about the ${ctx.topic}`,
      entity: entity(
        ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit'],
        Buffer.from(`Grüße, naïve café ☕ — ${sentence(ctx)}${CRLF}${sentence(ctx)}${CRLF}`, 'utf8'),
      ),
    }),
  },
  {
    name: 'html-inline-image',
    build: (ctx) => {
      const cid = `logo-${ctx.index}-${ctx.rnd.hex(8)}@sample.postroom.test`;
      const png = tinyPng(ctx.rnd.int(256), ctx.rnd.int(256), ctx.rnd.int(256));
      const image = entity(
        [
          'Content-Type: image/png; name="logo.png"',
          'Content-Transfer-Encoding: base64',
          `Content-ID: <${cid}>`,
          'Content-Disposition: inline; filename="logo.png"',
        ],
        ascii(base64Lines(png)),
      );
      const html = `<html><body><p>${sentence(ctx)}</p><img src="cid:${cid}" alt="logo"></body></html>`;
      return {
        subject: `Newsletter: ${ctx.topic}`,
        entity: multipart('related', ctx, [utf8Html(html), image], '; type="text/html"'),
      };
    },
  },
  {
    name: 'pdf-octet-stream',
    build: (ctx) => {
      const name = `invoice-${ctx.index}.pdf`;
      const pdf = entity(
        [
          `Content-Type: application/octet-stream; name="${name}"`,
          'Content-Transfer-Encoding: base64',
          `Content-Disposition: attachment; filename="${name}"`,
        ],
        ascii(base64Lines(tinyPdf(`Invoice ${ctx.index} ${ctx.topic}`))),
      );
      return {
        subject: `Invoice ${ctx.index} attached`,
        entity: multipart('mixed', ctx, [
          utf8Text(`Please find the invoice attached.\n${sentence(ctx)}\n`),
          pdf,
        ]),
      };
    },
  },
  {
    name: 'latin1-8bit',
    build: (ctx) => ({
      subject: encodedWordQ('ISO-8859-1', Buffer.from(`Grüße aus München: ${ctx.topic}`, 'latin1')),
      entity: entity(
        ['Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: 8bit'],
        Buffer.concat([
          ascii('Umlaute: '),
          bytes(0xe4, 0xf6, 0xfc, 0x20, 0xc4, 0xd6, 0xdc, 0x20, 0xdf),
          ascii(`${CRLF}${sentence(ctx)}${CRLF}`),
        ]),
      ),
    }),
  },
  {
    name: 'windows-1252-8bit',
    build: (ctx) => ({
      subject: `Price list ${ctx.topic}`,
      entity: entity(
        ['Content-Type: text/plain; charset=windows-1252', 'Content-Transfer-Encoding: 8bit'],
        Buffer.concat([
          ascii('Total: 42 '),
          bytes(0x80),
          ascii(' '),
          bytes(0x93),
          ascii('quoted'),
          bytes(0x94),
          ascii(' '),
          bytes(0x96),
          ascii(` done${CRLF}${sentence(ctx)}${CRLF}`),
        ]),
      ),
    }),
  },
  {
    name: 'shift-jis-8bit',
    build: (ctx) => {
      // "こんにちは" and "請求書" (invoice) in Shift_JIS.
      const hello = bytes(0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd);
      const invoice = bytes(0x90, 0xbf, 0x8b, 0x81, 0x8f, 0x91);
      return {
        subject: `${encodedWordB('Shift_JIS', invoice)} ${ctx.index}`,
        entity: entity(
          ['Content-Type: text/plain; charset=Shift_JIS', 'Content-Transfer-Encoding: 8bit'],
          Buffer.concat([hello, ascii(CRLF), invoice, ascii(` ${ctx.topic}${CRLF}`)]),
        ),
      };
    },
  },
  {
    name: 'utf8-b-subject',
    build: (ctx) => ({
      subject: encodedWordB('UTF-8', Buffer.from(`Überweisung für ${ctx.topic} ✓ – 請求書`, 'utf8')),
      entity: utf8Text(`${sentence(ctx)}\n`),
    }),
  },
  {
    name: 'rfc2231-filename',
    build: (ctx) => {
      const attachment = entity(
        [
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: base64',
          "Content-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%82%AC%20" +
            `${ctx.index}.txt`,
        ],
        ascii(base64Lines(Buffer.from(`Résumé ${ctx.topic}\n`, 'utf8'))),
      );
      return {
        subject: `CV for the ${ctx.topic} role`,
        entity: multipart('mixed', ctx, [utf8Text(`${sentence(ctx)}\n`), attachment]),
      };
    },
  },
  {
    name: 'forwarded-rfc822',
    build: (ctx) => {
      const inner = Buffer.concat([
        ascii(
          [
            'From: "Original Sender" <origin@example.org>',
            'To: alice@example.com',
            `Subject: Original ${ctx.topic}`,
            `Date: ${rfc5322Date(new Date(Date.UTC(2023, 11, 24, 8, 0, 0)), 60)}`,
            `Message-ID: <inner.${ctx.index}.${ctx.rnd.hex(10)}@sample.postroom.test>`,
            'MIME-Version: 1.0',
            'Content-Type: text/plain; charset=ISO-8859-1',
            'Content-Transfer-Encoding: 8bit',
          ].join(CRLF) +
            CRLF +
            CRLF,
        ),
        ascii('Bestellbest'),
        bytes(0xe4),
        ascii(`tigung${CRLF}`),
      ]);
      const forwarded = entity(
        [
          'Content-Type: message/rfc822; name="forwarded.eml"',
          'Content-Transfer-Encoding: 8bit',
          'Content-Disposition: attachment; filename="forwarded.eml"',
        ],
        inner,
      );
      return {
        subject: `Fw: Original ${ctx.topic}`,
        entity: multipart('mixed', ctx, [utf8Text('See the forwarded message below.\n'), forwarded]),
      };
    },
  },
  {
    name: 'calendar-invite',
    build: (ctx) => {
      const start = `2024${String(1 + ctx.rnd.int(12)).padStart(2, '0')}15T090000Z`;
      const ics = [
        'BEGIN:VCALENDAR',
        'PRODID:-//postroom//sample//EN',
        'VERSION:2.0',
        'METHOD:REQUEST',
        'BEGIN:VEVENT',
        `UID:${ctx.rnd.hex(16)}@sample.postroom.test`,
        `DTSTART:${start}`,
        `SUMMARY:${ctx.topic} sync`,
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join(CRLF);
      const calendar = entity(
        ['Content-Type: text/calendar; method=REQUEST; charset=UTF-8', 'Content-Transfer-Encoding: 7bit'],
        ascii(ics),
      );
      return {
        subject: `Invitation: ${ctx.topic} sync`,
        entity: multipart('alternative', ctx, [utf8Text(`You are invited: ${ctx.topic} sync.\n`), calendar]),
      };
    },
  },
  {
    name: 'multipart-alternative',
    build: (ctx) => {
      const text = sentence(ctx, 12);
      return {
        subject: `Update on ${ctx.topic}`,
        entity: multipart('alternative', ctx, [
          utf8Text(`${text}\n`),
          utf8Html(`<html><body><p><b>${text}</b></p></body></html>`),
        ]),
      };
    },
  },
];

/** Names of the variants, in the order messages cycle through them. */
export const SAMPLE_VARIANTS: readonly string[] = VARIANTS.map((v) => v.name);

function address(person: Person): string {
  const pure = [...person.name].every((ch) => ch.charCodeAt(0) < 0x80);
  const display = pure
    ? `"${person.name.replace(/["\\]/g, '\\$&')}"`
    : encodedWordQ('UTF-8', Buffer.from(person.name, 'utf8'));
  return `${display} <${person.address}>`;
}

/** Deterministic RFC 822 messages: the same seed always yields the same bytes. */
export function generateSampleMessages(options: { count: number; seed: number }): Buffer[] {
  const rnd = new SeededRandom(options.seed);
  const base = Date.UTC(2024, 0, 2, 8, 0, 0) + rnd.int(365) * 86_400_000;
  const out: Buffer[] = [];
  for (let index = 0; index < options.count; index++) {
    const variant = VARIANTS[index % VARIANTS.length] as (typeof VARIANTS)[number];
    const ctx: Context = { rnd, index, topic: rnd.pick(WORDS) };
    const from = rnd.pick(PEOPLE);
    const to = PEOPLE.filter((p) => p !== from);
    const recipients = [to[rnd.int(to.length)] as Person];
    const cc = rnd.int(3) === 0 ? [] : [to[rnd.int(to.length)] as Person];
    const when = new Date(base + index * 7 * 60_000 + rnd.int(60) * 1000);
    const built = variant.build(ctx);
    const headers = [
      `From: ${address(from)}`,
      `To: ${recipients.map(address).join(', ')}`,
      ...(cc.length ? [`Cc: ${cc.map(address).join(', ')}`] : []),
      `Subject: ${built.subject}`,
      `Date: ${rfc5322Date(when, rnd.pick([0, 60, 120, -300, 540]))}`,
      `Message-ID: <${options.seed}.${index}.${rnd.hex(12)}@sample.postroom.test>`,
      ...(index % 5 === 4 ? ['Importance: high'] : []),
      'MIME-Version: 1.0',
      `X-Postroom-Sample: ${variant.name}`,
    ];
    out.push(Buffer.concat([ascii(headers.join(CRLF) + CRLF), built.entity]));
  }
  return out;
}

import type {
  MessageModel,
  MsgAttachment,
  MsgFileAttachment,
  MsgRecipient,
} from '../../../../src/conversion/msg/message-model';

/**
 * Seeded MessageModels for the .msg writer tests: the same seed always gives the same models, so a
 * failure names a reproducible case.
 */

export function rng(seed: number): () => number {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Japanese text as it arrives in ISO-2022-JP / Shift_JIS mail: decoded from real Shift_JIS bytes. */
export const SHIFT_JIS_TEXT = new TextDecoder('shift_jis').decode(
  Buffer.from(
    // 日本語の件名～①ｶﾀｶﾅ（全角）表示―ソ: 表, ― and ソ have 0x5C ("\\") as their second byte.
    '93fa967b8cea82cc8c8f96bc81608740b6c0b6c5816991538a70816a955c8ea6815c835c',
    'hex',
  ),
);

const WORDS = [
  'invoice',
  'Rechnung',
  'Übermorgen',
  'façade',
  'naïve',
  'Ωμέγα',
  'привет',
  'שלום',
  'مرحبا',
  '你好',
  SHIFT_JIS_TEXT,
  '😀',
  '👩‍👩‍👧',
  'テスト',
  'ok',
  'a&b<c>',
];

/**
 * Plain ASCII words for subjects and display names where a reader cannot take more: msgconvert
 * mangles non-ASCII header text in some combinations (see write-msg.msgconvert.test.ts).
 */
export const ASCII_WORDS = [
  'invoice',
  'report',
  'Meeting',
  'notes',
  'Alpha',
  'beta',
  'plan',
  'Budget',
  'x-1',
  'ok',
];

export interface FactoryOptions {
  /** Words for subjects and display names (default: the Unicode mix used for bodies too). */
  headerWords?: readonly string[];
}

export class ModelFactory {
  private readonly random: () => number;
  private readonly headerWords: readonly string[];

  constructor(seed: number, options: FactoryOptions = {}) {
    this.random = rng(seed);
    this.headerWords = options.headerWords ?? WORDS;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  words(count: number, from: readonly string[] = WORDS): string {
    return Array.from({ length: count }, () => this.pick(from)).join(' ');
  }

  headerText(count: number): string {
    return this.words(count, this.headerWords);
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }

  /** Whole seconds: msgreader reports dates to the second. */
  date(): Date {
    return new Date(
      Date.UTC(
        2000 + this.int(0, 30),
        this.int(0, 11),
        this.int(1, 28),
        this.int(0, 23),
        this.int(0, 59),
        this.int(0, 59),
      ),
    );
  }

  recipient(kind: MsgRecipient['kind'], n: number): MsgRecipient {
    const address = `user${n}.${kind}@example${this.int(1, 9)}.test`;
    return this.chance(0.6)
      ? { kind, name: `${this.headerText(this.int(1, 2))} ${n}`, address }
      : { kind, address };
  }

  file(n: number, size: number, inline = false): MsgFileAttachment {
    const ext = this.pick(['pdf', 'txt', 'docx', 'png', 'bin', 'tar.gz', '']);
    const base = this.chance(0.5) ? `attachment ${n}` : `${this.words(2)}-${n}`;
    return {
      kind: 'file',
      fileName: ext ? `${base}.${ext}` : base,
      contentType: this.pick(['application/pdf', 'text/plain', 'application/octet-stream', 'image/png']),
      inline,
      contentId: inline ? `part${n}.${this.int(1000, 9999)}@example.test` : undefined,
      data: this.bytes(size),
    };
  }

  /** A random message; depth > 0 may embed further messages. */
  message(depth = 0): MessageModel {
    const recipients: MsgRecipient[] = [];
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      const count = this.int(0, kind === 'to' ? 6 : 3);
      for (let i = 0; i < count; i++) recipients.push(this.recipient(kind, recipients.length));
    }
    const inline = this.chance(0.4) ? [this.file(90, this.int(10, 3000), true)] : [];
    const cidRefs = inline.map((a) => `<img src="cid:${a.contentId}">`).join('');
    const attachments: MsgAttachment[] = [...inline];
    for (let i = 0, n = this.int(0, 4); i < n; i++) attachments.push(this.file(i, this.int(0, 9000)));
    if (depth > 0 && this.chance(0.7)) {
      attachments.push({
        kind: 'message',
        fileName: `${this.headerText(2)}.msg`,
        message: this.message(depth - 1),
      });
    }
    const subject = this.chance(0.9)
      ? `${this.pick(['', 'RE: ', 'Fwd: ', 'AW: '])}${this.headerText(this.int(1, 6))}`
      : undefined;
    return {
      messageClass: 'IPM.Note',
      subject,
      from: this.chance(0.9)
        ? { name: this.chance(0.7) ? this.headerText(2) : undefined, address: 'from@example.test' }
        : undefined,
      recipients,
      sent: this.chance(0.9) ? this.date() : undefined,
      received: this.chance(0.8) ? this.date() : undefined,
      textBody: this.chance(0.85) ? this.words(this.int(0, 200)) : undefined,
      htmlBody:
        this.chance(0.6) || inline.length > 0
          ? `<html><body><p>${this.words(this.int(1, 50))}</p>${cidRefs}</body></html>`
          : undefined,
      internetHeaders: this.chance(0.5)
        ? `X-Test: ${this.int(1, 1e6)}\r\nSubject: ${subject ?? ''}\r\n`
        : undefined,
      messageId: this.chance(0.8) ? `<${this.int(1, 1e9)}@example.test>` : undefined,
      importance: this.pick([undefined, 'low', 'normal', 'high'] as const),
      categories: this.chance(0.4) ? Array.from({ length: this.int(1, 3) }, () => this.words(1)) : undefined,
      attachments,
    };
  }
}

/** What a model exercises, to keep the seeded sets varied when the factory changes. */
export function features(model: MessageModel, depth = 0, out = new Set<string>()): Set<string> {
  out.add(`importance:${model.importance ?? 'unset'}`);
  if (model.subject === undefined) out.add('no-subject');
  if (!model.from) out.add('no-from');
  if (!model.sent) out.add('no-sent');
  if (!model.textBody) out.add('no-text');
  if (!model.htmlBody) out.add('no-html');
  if (model.categories) out.add('categories');
  for (const r of model.recipients) out.add(`${r.kind}-${r.name ? 'named' : 'bare'}`);
  for (const a of model.attachments) {
    if (a.kind === 'message') {
      out.add(`embedded-depth-${depth + 1}`);
      features(a.message, depth + 1, out);
    } else if (a.inline) {
      out.add('inline');
    }
  }
  return out;
}

export const EXPECTED_FEATURES = [
  'bcc-bare',
  'bcc-named',
  'categories',
  'cc-bare',
  'cc-named',
  'embedded-depth-1',
  'embedded-depth-2',
  'importance:high',
  'importance:low',
  'importance:normal',
  'importance:unset',
  'inline',
  'no-from',
  'no-html',
  'no-sent',
  'no-subject',
  'no-text',
  'to-bare',
  'to-named',
];

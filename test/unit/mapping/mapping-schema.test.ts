import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { loadConfig } from '../../../src/config/load-config';
import { filtersSchema, metadataSchema } from '../../../src/mapping/mapping-schema';
import { tempDir } from '../../helpers/temp-dir';

/** "path: message" lines, as the loader prints them (without the file). */
function problems(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}

describe('metadata schema', () => {
  it('accepts every form: fixed class, rules, template and field titles, fixed and mapped properties', () => {
    const parsed = metadataSchema.parse({
      class: { rules: [{ when: { sender: '*@supplier.example' }, class: 'Supplier invoice' }], default: 3 },
      title: '{subject} ({sender.name})',
      properties: [
        { property: 1002, value: 'Incoming' },
        { property: 'Sender', from: 'sender.address' },
        { property: 'Customer', from: 'header:X-Customer-Id' },
        { property: 'Relay hops', from: 'headers:Received' },
        { property: 'Tags', value: ['mail', 'import'] },
        { property: 'Urgent', value: false },
      ],
    });
    expect(parsed.properties).toHaveLength(6);
    expect(metadataSchema.parse({ class: 12, title: { from: 'subject' } })).toEqual({
      class: 12,
      title: { from: 'subject' },
      properties: [],
    });
  });

  it.each<[string, unknown, string[]]>([
    [
      'an unknown field',
      { properties: [{ property: 'P', from: 'sender.mail' }] },
      [
        'properties.0.from: "sender.mail" is not a field; use one of sender.address, sender.name, to, cc, subject, sent, received, messageId, conversationId, categories, importance, hasAttachments, attachmentNames, mailbox, folder, header:<Name> or headers:<Name>',
      ],
    ],
    [
      'a header field without a name',
      { properties: [{ property: 'P', from: 'header:' }] },
      ['properties.0.from: "header:" needs a header name after the colon, such as header:X-Customer-Id'],
    ],
    [
      'both value and from',
      { properties: [{ property: 'P', value: 'x', from: 'subject' }] },
      [
        'properties.0.value: give either value (a fixed value) or from (a message field), not both or neither',
      ],
    ],
    [
      'neither value nor from',
      { properties: [{ property: 'P' }] },
      [
        'properties.0.value: give either value (a fixed value) or from (a message field), not both or neither',
      ],
    ],
    [
      'a property mapped twice',
      {
        properties: [
          { property: 'Sender', value: 'a' },
          { property: 'sender', from: 'subject' },
        ],
      },
      ['properties.1.property: "sender" is already mapped by properties.0'],
    ],
    [
      'a negative or fractional id',
      { class: -1, properties: [{ property: 1.5, value: 'x' }] },
      [
        'class: an id must not be negative',
        'properties.0.property: must be an id (a whole number) or a name',
      ],
    ],
    ['an empty class name', { class: '  ' }, ['class: a name must not be empty']],
    [
      'a class of the wrong type',
      { class: true, properties: [{ property: ['a'], value: 'x' }] },
      [
        'class: must be a class id or name, or { rules: [{ when, class }], default }',
        'properties.0.property: must be an id (a whole number) or a name',
      ],
    ],
    ['no rules', { class: { rules: [] } }, ['class.rules: needs at least one rule']],
    [
      'a bad rule condition',
      { class: { rules: [{ when: { subject: '/(/' }, class: 'X' }] } },
      ['class.rules.0.when.subject: is not a valid regular expression: /(/: Unterminated group'],
    ],
    [
      'an unknown placeholder',
      { title: 'Mail from {sender}' },
      [
        'title: placeholder {sender}: "sender" is not a field; use one of sender.address, sender.name, to, cc, subject, sent, received, messageId, conversationId, categories, importance, hasAttachments, attachmentNames, mailbox, folder, header:<Name> or headers:<Name>',
      ],
    ],
    [
      'an unclosed placeholder',
      { title: 'Mail {subject' },
      ['title: has a "{" without its "}" at position 6'],
    ],
    [
      'a stray closing brace',
      { title: 'Mail }' },
      ['title: has a "}" without its "{" at position 6 (write }} for a literal brace)'],
    ],
    [
      'an unknown title field',
      { title: { from: 'topic' } },
      [expect.stringContaining('title.from: "topic" is not a field') as unknown as string],
    ],
    [
      'a fixed value of the wrong type',
      { properties: [{ property: 'P', value: { nested: true } }] },
      ['properties.0.value: must be text, a number, true/false or a list of texts'],
    ],
  ])('reports %s precisely', (_what, input, expected) => {
    expect(problems(metadataSchema, input)).toEqual(expected);
  });

  it('rejects unknown keys', () => {
    const result = metadataSchema.safeParse({ titel: '{subject}' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['titel'] });
  });
});

describe('filters schema', () => {
  it('accepts every condition key', () => {
    expect(
      filtersSchema.parse({
        include: [{ sender: '*@supplier.example', hasAttachments: true }],
        exclude: [
          { subject: 'Out of office*' },
          { recipient: '/^noreply@/' },
          { body: '*unsubscribe*' },
          { attachmentName: '*.exe' },
          { receivedAfter: '2024-01-31' },
          { receivedAfter: '2024-01-31T08:00:00+01:00' },
          { receivedAfter: '2024-01-31T07:00:00.250Z' },
        ],
      }).exclude,
    ).toHaveLength(7);
  });

  it.each<[string, unknown, string[]]>([
    [
      'a bad regular expression',
      { exclude: [{ subject: 'ok*' }, { subject: '/[a-/i' }] },
      ['exclude.1.subject: is not a valid regular expression: /[a-/i: Unterminated character class'],
    ],
    [
      'a catastrophic pattern',
      { include: [{ body: '/(a+)+b/' }] },
      [
        'include.0.body: has a quantified group containing another quantifier (such as (a+)+), which can take exponential time on hostile mail; rewrite it without the nesting',
      ],
    ],
    [
      'an empty condition',
      { exclude: [{}] },
      [
        'exclude.0: a condition needs at least one of sender, recipient, subject, body, attachmentName, hasAttachments, receivedAfter',
      ],
    ],
    [
      'an empty include list',
      { include: [] },
      ['include: an empty include list would skip every message; leave include out instead'],
    ],
    [
      'a time without offset',
      { exclude: [{ receivedAfter: '2024-01-31T08:00:00' }] },
      [
        'exclude.0.receivedAfter: must be a date such as 2024-01-31 or a time with its offset such as 2024-01-31T08:00:00+01:00',
      ],
    ],
    [
      'an impossible date',
      { exclude: [{ receivedAfter: '2024-13-45' }] },
      [
        'exclude.0.receivedAfter: must be a date such as 2024-01-31 or a time with its offset such as 2024-01-31T08:00:00+01:00',
      ],
    ],
    [
      'a day the month does not have',
      { include: [{ receivedAfter: '2023-02-29' }, { receivedAfter: '2024-02-29' }] },
      [
        'include.0.receivedAfter: must be a date such as 2024-01-31 or a time with its offset such as 2024-01-31T08:00:00+01:00',
      ],
    ],
    [
      'hasAttachments as text',
      { exclude: [{ hasAttachments: 'yes' }] },
      ['exclude.0.hasAttachments: Invalid input: expected boolean, received string'],
    ],
  ])('reports %s precisely', (_what, input, expected) => {
    expect(problems(filtersSchema, input)).toEqual(expected);
  });
});

describe('a source file with mapping, filters and afterImport', () => {
  const dir = tempDir('mapping-config');
  afterAll(() => dir.cleanup());

  function load(extra: string): string {
    mkdirSync(join(dir.path, 'sources'), { recursive: true });
    writeFileSync(join(dir.path, 'postroom.yaml'), 'backends:\n  documents:\n    type: folder\n');
    writeFileSync(
      join(dir.path, 'sources', 'mail.yaml'),
      [
        'id: mail',
        'tenantId: 11111111-2222-4333-8444-555555555555',
        'clientId: 66666666-7777-4888-8999-000000000000',
        'clientSecret: literal-secret',
        'mailbox: invoices@contoso.com',
        'backend: documents',
        extra,
      ].join('\n'),
    );
    try {
      const config = loadConfig(join(dir.path, 'postroom.yaml'));
      return JSON.stringify(config.sources[0]!.definition);
    } catch (err) {
      return (err as Error).message;
    }
  }

  it('loads, with afterImport defaulting to none', () => {
    const definition = JSON.parse(load('')) as { afterImport: unknown; metadata?: unknown };
    expect(definition.afterImport).toBe('none');
    expect(definition.metadata).toBeUndefined();
    const full = JSON.parse(
      load(
        [
          'metadata:',
          '  class: { rules: [ { when: { subject: "Invoice*" }, class: Invoice } ], default: Mail }',
          '  title: "{subject}"',
          '  properties:',
          '    - { property: 1002, from: sender.address }',
          'filters:',
          '  exclude:',
          '    - subject: "Out of office*"',
          'afterImport: { move: Archive/Imported }',
        ].join('\n'),
      ),
    ) as { afterImport: unknown; filters: unknown };
    expect(full.afterImport).toEqual({ move: 'Archive/Imported' });
    expect(full.filters).toEqual({ exclude: [{ subject: 'Out of office*' }] });
  });

  it('names the file and the field of every problem', () => {
    const message = load(
      [
        'metadata:',
        '  properties:',
        '    - { property: Sender, from: sender }',
        'filters:',
        '  exclude:',
        '    - subject: "/(oops/"',
        'afterImport: archive',
      ].join('\n'),
    );
    const file = join(dir.path, 'sources', 'mail.yaml').replace(`${process.cwd()}/`, '');
    expect(message).toContain(`${file}: metadata.properties.0.from: "sender" is not a field`);
    expect(message).toContain(
      `${file}: filters.exclude.0.subject: is not a valid regular expression: /(oops/: Unterminated group`,
    );
    expect(message).toContain(
      `${file}: afterImport: must be none, markRead, delete, { move: "Folder/Path" } or { category: "Name" }`,
    );
  });
});

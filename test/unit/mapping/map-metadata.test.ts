import { mapMetadata } from '../../../src/mapping/map-metadata';
import { metadataSchema, type MetadataSpecInput } from '../../../src/mapping/mapping-schema';
import { sampleInfo } from '../../helpers/message-info';

const spec = (input: MetadataSpecInput) => metadataSchema.parse(input);

describe('mapMetadata', () => {
  it('gives nothing but an empty property list without a mapping', () => {
    expect(mapMetadata(sampleInfo(), undefined)).toEqual({ properties: [] });
  });

  describe('fields', () => {
    it.each<[string, unknown]>([
      ['sender.address', 'Billing@Supplier.example'],
      ['sender.name', 'Supplier Billing'],
      ['to', ['invoices@contoso.example', 'accounts@contoso.example']],
      ['cc', ['audit@contoso.example']],
      ['subject', 'Invoice 4711 for October'],
      ['sent', '2026-10-30T09:59:00Z'],
      ['received', '2026-10-30T10:00:00Z'],
      ['messageId', '<inv-4711@supplier.example>'],
      ['conversationId', 'AAQkAGI2TG93conversation='],
      ['categories', ['Finance', 'Q4']],
      ['importance', 'high'],
      ['hasAttachments', true],
      ['attachmentNames', ['invoice-4711.pdf', 'terms.docx']],
      ['mailbox', 'invoices@contoso.example'],
      ['folder', 'Inbox/Invoices'],
      ['header:X-Customer-Id', 'C-0815'],
      ['header:x-customer-id', 'C-0815'],
      ['header:Received', 'from mx1.supplier.example'],
      ['headers:Received', ['from mx1.supplier.example', 'from mx2.contoso.example']],
    ])('%s', (from, value) => {
      expect(mapMetadata(sampleInfo(), spec({ properties: [{ property: 'P', from }] })).properties).toEqual([
        { property: 'P', value, origin: `from: ${from}` },
      ]);
    });

    it.each<[string, unknown]>([
      ['sender.address', null],
      ['sender.name', null],
      ['to', []],
      ['cc', []],
      ['subject', null],
      ['sent', null],
      ['messageId', null],
      ['conversationId', null],
      ['categories', []],
      ['importance', null],
      ['hasAttachments', false],
      ['attachmentNames', []],
      ['header:X-Missing', null],
      ['headers:X-Missing', []],
    ])('%s of a message without it', (from, value) => {
      const bare = sampleInfo({
        from: undefined,
        to: [],
        cc: [],
        subject: undefined,
        sent: undefined,
        internetMessageId: undefined,
        conversationId: undefined,
        categories: [],
        importance: undefined,
        hasAttachments: false,
        attachmentNames: [],
        headers: [],
      });
      expect(mapMetadata(bare, spec({ properties: [{ property: 7, from }] })).properties[0]?.value).toEqual(
        value,
      );
    });

    it('a recipient without an address gives its name; one with neither is left out', () => {
      const info = sampleInfo({ to: [{ name: 'Undisclosed recipients' }, {}, { address: 'a@b.example' }] });
      expect(
        mapMetadata(info, spec({ properties: [{ property: 'To', from: 'to' }] })).properties[0]?.value,
      ).toEqual(['Undisclosed recipients', 'a@b.example']);
    });
  });

  it('passes fixed values through with their type, ids and names untouched', () => {
    const mapped = mapMetadata(
      sampleInfo(),
      spec({
        properties: [
          { property: 1002, value: 'Incoming' },
          { property: 'Amount', value: 42 },
          { property: 'Checked', value: false },
          { property: 'Tags', value: ['a', 'b'] },
        ],
      }),
    );
    expect(mapped.properties).toEqual([
      { property: 1002, value: 'Incoming', origin: 'value' },
      { property: 'Amount', value: 42, origin: 'value' },
      { property: 'Checked', value: false, origin: 'value' },
      { property: 'Tags', value: ['a', 'b'], origin: 'value' },
    ]);
  });

  it('hands out copies, so a backend editing a value cannot change the configuration', () => {
    const configured = spec({ properties: [{ property: 'Tags', value: ['a'] }] });
    (mapMetadata(sampleInfo(), configured).properties[0]!.value as string[]).push('b');
    expect(configured.properties[0]!.value).toEqual(['a']);
  });

  describe('class', () => {
    const rules = spec({
      class: {
        rules: [
          { when: { sender: '*@supplier.example', subject: 'Credit note*' }, class: 'Credit note' },
          { when: { sender: '*@supplier.example' }, class: 'Supplier invoice' },
          { when: { hasAttachments: true }, class: 99 },
        ],
        default: 'Mail',
      },
    });

    it('is a fixed id or name', () => {
      expect(mapMetadata(sampleInfo(), spec({ class: 12 })).class).toBe(12);
      expect(mapMetadata(sampleInfo(), spec({ class: 'Invoice' })).class).toBe('Invoice');
    });

    it('comes from the first matching rule', () => {
      expect(mapMetadata(sampleInfo(), rules).class).toBe('Supplier invoice');
      expect(mapMetadata(sampleInfo({ subject: 'Credit note 12' }), rules).class).toBe('Credit note');
      expect(mapMetadata(sampleInfo({ from: { address: 'x@other.example' } }), rules).class).toBe(99);
    });

    it('falls back to the default, or to none', () => {
      const other = sampleInfo({ from: { address: 'x@other.example' }, hasAttachments: false });
      expect(mapMetadata(other, rules).class).toBe('Mail');
      const noDefault = spec({ class: { rules: [{ when: { subject: 'x' }, class: 'X' }] } });
      expect(mapMetadata(other, noDefault)).not.toHaveProperty('class');
    });
  });

  describe('title', () => {
    it('renders a template, joining lists and leaving missing fields empty', () => {
      expect(
        mapMetadata(sampleInfo(), spec({ title: '{subject} ({sender.name}) to {to} {header:X-None}' })).title,
      ).toBe(
        'Invoice 4711 for October (Supplier Billing) to invoices@contoso.example, accounts@contoso.example',
      );
    });

    it('keeps literal braces and folds whitespace of multi-line subjects', () => {
      const info = sampleInfo({ subject: 'Invoice\r\n  4711' });
      expect(mapMetadata(info, spec({ title: '{{{received}}} {subject}' })).title).toBe(
        '{2026-10-30T10:00:00Z} Invoice 4711',
      );
    });

    it('is a fixed text without placeholders', () => {
      expect(mapMetadata(sampleInfo(), spec({ title: 'Scanned mail' })).title).toBe('Scanned mail');
    });

    it('comes from one field', () => {
      expect(mapMetadata(sampleInfo(), spec({ title: { from: 'sender.address' } })).title).toBe(
        'Billing@Supplier.example',
      );
      expect(mapMetadata(sampleInfo(), spec({ title: { from: 'categories' } })).title).toBe('Finance, Q4');
    });

    it('is left to the backend when it comes out empty', () => {
      const info = sampleInfo({ subject: '   ' });
      expect(mapMetadata(info, spec({ title: '{subject}' }))).not.toHaveProperty('title');
      expect(mapMetadata(info, spec({ title: { from: 'subject' } }))).not.toHaveProperty('title');
    });
  });
});

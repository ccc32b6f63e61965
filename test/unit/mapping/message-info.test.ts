import type { MessageFacts } from '../../../src/conversion/conversion-types';
import { messageInfoFrom } from '../../../src/mapping/message-info';
import type { MessageSummary } from '../../../src/sources/mail-source';

const origin = { id: 'invoices', mailbox: 'invoices@contoso.example', folder: 'Inbox/Invoices' };

const summary: MessageSummary = {
  id: 'AAkALgImmutable=',
  internetMessageId: '<a@supplier.example>',
  subject: 'Invoice 1',
  from: { name: 'Billing', address: 'billing@supplier.example' },
  to: [{ name: 'Invoices', address: 'invoices@contoso.example' }],
  cc: [],
  sentDateTime: '2026-10-30T09:59:00Z',
  receivedDateTime: '2026-10-30T10:00:00Z',
  hasAttachments: false,
  conversationId: 'AAQkConv=',
  categories: ['Finance'],
  importance: 'low',
};

const facts: MessageFacts = {
  subject: 'Invoice 1 (from MIME)',
  from: { address: 'mime-from@supplier.example' },
  to: [{ address: 'mime-to@contoso.example' }],
  cc: [{ address: 'mime-cc@contoso.example' }],
  bcc: [],
  date: '2026-10-30T09:58:00Z',
  messageId: '<mime@supplier.example>',
  headers: [['X-Customer-Id', 'C-1']],
  bodyText: 'Body',
  attachmentNames: ['inline-only.pdf'],
  hasAttachments: true,
};

describe('messageInfoFrom', () => {
  it('takes everything the delta page said, with empty content fields before the download', () => {
    expect(messageInfoFrom(origin, summary)).toEqual({
      sourceId: 'invoices',
      mailbox: 'invoices@contoso.example',
      folder: 'Inbox/Invoices',
      messageId: 'AAkALgImmutable=',
      internetMessageId: '<a@supplier.example>',
      conversationId: 'AAQkConv=',
      subject: 'Invoice 1',
      from: { name: 'Billing', address: 'billing@supplier.example' },
      to: [{ name: 'Invoices', address: 'invoices@contoso.example' }],
      cc: [],
      sent: '2026-10-30T09:59:00Z',
      received: '2026-10-30T10:00:00Z',
      categories: ['Finance'],
      importance: 'low',
      hasAttachments: false,
      attachmentNames: [],
      headers: [],
    });
  });

  it('adds the content facts; the summary wins for addresses and times, the facts for attachments', () => {
    const info = messageInfoFrom(origin, summary, facts);
    expect(info).toMatchObject({
      subject: 'Invoice 1',
      from: { address: 'billing@supplier.example' },
      to: [{ address: 'invoices@contoso.example' }],
      cc: [{ address: 'mime-cc@contoso.example' }],
      sent: '2026-10-30T09:59:00Z',
      internetMessageId: '<a@supplier.example>',
      hasAttachments: true,
      attachmentNames: ['inline-only.pdf'],
      headers: [['X-Customer-Id', 'C-1']],
      bodyText: 'Body',
    });
  });

  it('fills gaps of the summary from the facts', () => {
    const sparse: MessageSummary = { id: 'x', to: [], cc: [], receivedDateTime: '2026-10-30T10:00:00Z' };
    expect(messageInfoFrom(origin, sparse, facts)).toMatchObject({
      subject: 'Invoice 1 (from MIME)',
      from: { address: 'mime-from@supplier.example' },
      to: [{ address: 'mime-to@contoso.example' }],
      sent: '2026-10-30T09:58:00Z',
      internetMessageId: '<mime@supplier.example>',
      categories: [],
    });
    expect(messageInfoFrom(origin, sparse)).not.toHaveProperty('importance');
  });

  it('copies lists, so mapping cannot alter the job payload', () => {
    const info = messageInfoFrom(origin, summary, facts);
    info.categories.push('changed');
    info.headers.push(['a', 'b']);
    expect(summary.categories).toEqual(['Finance']);
    expect(facts.headers).toHaveLength(1);
  });
});

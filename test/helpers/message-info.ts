import type { MessageInfo } from '../../src/mapping/mapped-metadata';

/** A fully populated message for mapping and filter tests; override what a test is about. */
export function sampleInfo(overrides: Partial<MessageInfo> = {}): MessageInfo {
  return {
    sourceId: 'invoices',
    mailbox: 'invoices@contoso.example',
    folder: 'Inbox/Invoices',
    messageId: 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A',
    internetMessageId: '<inv-4711@supplier.example>',
    conversationId: 'AAQkAGI2TG93conversation=',
    subject: 'Invoice 4711 for October',
    from: { name: 'Supplier Billing', address: 'Billing@Supplier.example' },
    to: [
      { name: 'Invoices', address: 'invoices@contoso.example' },
      { name: 'Accounts', address: 'accounts@contoso.example' },
    ],
    cc: [{ name: 'Auditor', address: 'audit@contoso.example' }],
    sent: '2026-10-30T09:59:00Z',
    received: '2026-10-30T10:00:00Z',
    categories: ['Finance', 'Q4'],
    importance: 'high',
    hasAttachments: true,
    attachmentNames: ['invoice-4711.pdf', 'terms.docx'],
    headers: [
      ['X-Customer-Id', 'C-0815'],
      ['Received', 'from mx1.supplier.example'],
      ['Received', 'from mx2.contoso.example'],
    ],
    bodyText: 'Dear customer,\nplease find invoice 4711 attached.\nKind regards',
    ...overrides,
  };
}

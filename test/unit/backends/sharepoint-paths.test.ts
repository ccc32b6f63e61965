import {
  documentFolderName,
  expandFolder,
  indexFilePath,
  safeFileName,
  safeName,
} from '../../../src/backends/sharepoint/document-paths';
import { sharepointBackendSchema } from '../../../src/backends/sharepoint';
import type { DocumentToDeliver } from '../../../src/backends/document-sink';

const key = { sourceId: 'finance', messageId: 'AAMk/+=x', receivedDateTime: '2026-03-04T23:06:07+01:00' };

function doc(subject: string | undefined, part?: string): DocumentToDeliver {
  return {
    key: { ...key, ...(part ? { part } : {}) },
    files: [{ name: 'a.pdf', path: '/x', size: 1, sha256: '', contentType: 'application/pdf' }],
    metadata: {
      sourceId: 'finance',
      mailbox: 'm',
      folder: 'Inbox',
      messageId: key.messageId,
      subject,
      to: [],
      cc: [],
      received: key.receivedDateTime,
    },
  };
}

describe('SharePoint document paths', () => {
  it('makes names SharePoint accepts', () => {
    expect(safeName('  a:b*c?d|e"f<g>h/i\\j.  ', 100, 'x')).toBe('a_b_c_d_e_f_g_h_i_j');
    expect(safeName('CON', 100, 'mail')).toBe('mail-CON');
    expect(safeName('~$lock', 100, 'x')).toBe('_lock');
    expect(safeName('', 100, 'mail')).toBe('mail');
    expect(safeFileName(`${'x'.repeat(300)}.pdf`)).toMatch(/^x{116}\.pdf$/);
    expect(safeFileName('report.')).toBe('report');
  });

  it('derives folders from the key alone, in UTC', () => {
    expect(expandFolder('Mail/{source}/{yyyy}/{mm}/{dd}', key)).toEqual([
      'Mail',
      'finance',
      '2026',
      '03',
      '04',
    ]);
    expect(indexFilePath('postroom/_index', key)).toEqual([
      'postroom',
      '_index',
      'finance',
      '2026',
      '03',
      expect.stringMatching(/^[0-9a-f]{40}\.json$/),
    ]);
    expect(indexFilePath('i', { ...key, part: 'att-1' })).not.toEqual(indexFilePath('i', key));
  });

  it('names the document folder by time, subject and key digest', () => {
    expect(documentFolderName(doc('Rechnung: 4711'))).toMatch(
      /^20260304-220607 Rechnung_ 4711 [0-9a-f]{10}$/,
    );
    expect(documentFolderName(doc(undefined))).toMatch(/^20260304-220607 \(no subject\) [0-9a-f]{10}$/);
    expect(documentFolderName(doc('Rechnung', 'att-1'))).toMatch(/ Rechnung - a\.pdf [0-9a-f]{10}$/);
    expect(documentFolderName(doc('x'.repeat(500))).length).toBeLessThan(90);
  });
});

describe('sharepointBackendSchema', () => {
  const base = {
    type: 'sharepoint',
    tenantId: 'contoso.onmicrosoft.com',
    clientId: 'a9e4b7c1-2d3f-4e5a-8b6c-7d8e9f0a1b2c',
    clientSecret: '${env:SP_SECRET}',
    site: 'contoso.sharepoint.com:/sites/Finance',
  };

  it('fills defaults', () => {
    expect(sharepointBackendSchema.parse(base)).toMatchObject({
      library: 'Documents',
      folder: 'postroom/{source}/{yyyy}/{mm}',
      simpleUploadLimitBytes: 4 * 1024 * 1024,
      chunkBytes: 32 * 320 * 1024,
      cloud: 'global',
    });
  });

  it('refuses what SharePoint or Graph would refuse', () => {
    const fails = (overrides: Record<string, unknown>) =>
      sharepointBackendSchema.safeParse({ ...base, ...overrides }).success === false;
    expect(fails({ chunkBytes: 1_000_000 })).toBe(true);
    expect(fails({ chunkBytes: 200 * 320 * 1024 })).toBe(true); // over 60 MiB
    expect(fails({ folder: 'Mail/{subject}' })).toBe(true);
    expect(fails({ folder: 'Mail:x' })).toBe(true);
    expect(fails({ site: 'https://contoso.sharepoint.com/sites/Finance' })).toBe(true);
    expect(fails({ clientSecret: undefined })).toBe(true);
    expect(fails({ clientCertificate: '/etc/cert.pem' })).toBe(true);
    expect(fails({ tenantId: 'common' })).toBe(true);
    expect(fails({ graphEndpoint: 'http://graph.example' })).toBe(true);
    expect(fails({ simpleUploadLimitBytes: 251 * 1024 * 1024 })).toBe(true);
  });
});

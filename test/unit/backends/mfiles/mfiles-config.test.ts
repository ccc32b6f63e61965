import { createMFilesSink } from '../../../../src/backends/mfiles';
import { deliveryKeyValue, isPartKey, storedMessageId } from '../../../../src/backends/mfiles/delivery-key';
import { bracedGuid, mfilesBackendSchema, serverRoot } from '../../../../src/backends/mfiles/mfiles-config';
import { fileParts } from '../../../../src/backends/mfiles/object-plan';
import { captureLogger } from '../../../helpers/mfiles-vault';

const base = {
  type: 'mfiles',
  url: 'https://mfiles.contoso.example',
  vault: '{0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9}',
  username: 'svc-postroom',
  password: '${env:MFILES_PASSWORD}',
};

describe('M-Files backend configuration', () => {
  it('applies defaults', () => {
    expect(mfilesBackendSchema.parse(base)).toEqual({
      ...base,
      objectType: 0,
      defaultClass: 1,
      messageIdProperty: 83,
      legacyAspx: false,
      requestTimeoutSeconds: 100,
      timeZone: 'UTC',
    });
  });

  it.each([
    [{ url: 'http://mfiles.contoso.example' }, 'url', /https:\/\/ .*loopback/],
    [{ url: 'mfiles.contoso.example' }, 'url', /absolute URL/],
    [{ vault: 'Sample Vault' }, 'vault', /vault GUID/],
    [{ defaultClass: '' }, 'defaultClass', /id or a name/],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone', /IANA time zone/],
    [{ requestTimeoutSeconds: 0 }, 'requestTimeoutSeconds', /./],
    [{ extra: true }, '', /extra/],
  ])('refuses %j', (override, path, message) => {
    const result = mfilesBackendSchema.safeParse({ ...base, ...override });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(path);
    expect(`${issue.message} ${JSON.stringify(issue)}`).toMatch(message);
  });

  it('accepts plain http only to loopback, and ids or names for classes and properties', () => {
    for (const url of ['http://127.0.0.1:8080', 'http://localhost/', 'http://[::1]:1234/REST']) {
      expect(mfilesBackendSchema.safeParse({ ...base, url }).success).toBe(true);
    }
    const parsed = mfilesBackendSchema.parse({
      ...base,
      defaultClass: 'Invoice',
      keyProperty: 1020,
      messageIdProperty: 'MessageID',
    });
    expect(parsed).toMatchObject({
      defaultClass: 'Invoice',
      keyProperty: 1020,
      messageIdProperty: 'MessageID',
    });
  });

  it('the factory refuses plain http to other hosts even without the schema', () => {
    const definition = {
      ...mfilesBackendSchema.parse(base),
      url: 'http://mfiles.contoso.example',
      password: 'x',
    };
    expect(() => createMFilesSink('dms', definition, { logger: captureLogger().logger })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('backends.dms.url'),
      }),
    );
  });

  it('normalises the server URL and the vault GUID', () => {
    expect(serverRoot('https://m.example/REST/')).toBe('https://m.example');
    expect(serverRoot('https://m.example/mfiles/')).toBe('https://m.example/mfiles');
    expect(bracedGuid('0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9')).toBe('{0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9}');
  });
});

describe('M-Files delivery key', () => {
  const key = { sourceId: 'invoices', messageId: 'A'.repeat(152), receivedDateTime: '2026-03-04T05:06:07Z' };

  it('fits a Text property, differs per source, message and part, and marks parts', () => {
    const message = deliveryKeyValue(key);
    expect(message).toMatch(/^postroom:[0-9a-f]{40}$/);
    expect(deliveryKeyValue({ ...key, part: '' })).toBe(message);
    expect(deliveryKeyValue({ ...key, receivedDateTime: '2030-01-01T00:00:00Z' })).toBe(message);
    expect(deliveryKeyValue({ ...key, sourceId: 'other' })).not.toBe(message);
    const part = deliveryKeyValue({ ...key, part: 'att-1.2' });
    expect(part).toMatch(/^postroom:[0-9a-f]{40}#att-1\.2$/);
    expect(isPartKey(part)).toBe(true);
    expect(isPartKey(message)).toBe(false);
    expect(isPartKey(undefined)).toBe(false);
    const deep = deliveryKeyValue({ ...key, part: `att-${'1.'.repeat(60)}1` });
    expect(deep.length).toBeLessThanOrEqual(100);
    expect(deep).not.toBe(deliveryKeyValue({ ...key, part: `att-${'1.'.repeat(61)}1` }));
  });

  it('stores and searches the Message-ID as the vault keeps it', () => {
    const long = `<${'x'.repeat(150)}@example>`;
    expect(storedMessageId(` ${long} `, true)).toBe(long.slice(0, 100));
    expect(storedMessageId(long, false)).toBe(long);
  });

  it('splits file names into Title and Extension', () => {
    expect(fileParts('Rechnung 4711.final.pdf')).toEqual({ title: 'Rechnung 4711.final', extension: 'pdf' });
    expect(fileParts('.profile')).toEqual({ title: '.profile', extension: '' });
    expect(fileParts('trailing.')).toEqual({ title: 'trailing.', extension: '' });
    expect(fileParts('README')).toEqual({ title: 'README', extension: '' });
  });
});

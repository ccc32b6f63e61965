import { customFieldValue, ValueMismatch } from '../../../src/backends/paperless/custom-field-value';
import type { PaperlessCustomField } from '../../../src/backends/paperless/paperless-lookups';
import { paperlessBackendSchema, paperlessKeyValue } from '../../../src/backends/paperless';

const field = (data_type: string, extra?: PaperlessCustomField['extra_data']): PaperlessCustomField => ({
  id: 1,
  name: 'F',
  data_type,
  extra_data: extra,
});

describe('Paperless custom field values', () => {
  it('converts neutral values to each data type', () => {
    expect(customFieldValue(field('string'), ['a', 'b'])).toBe('a, b');
    expect(customFieldValue(field('integer'), '42')).toBe(42);
    expect(customFieldValue(field('float'), '4.5')).toBe(4.5);
    expect(customFieldValue(field('boolean'), 'Yes')).toBe(true);
    expect(customFieldValue(field('boolean'), false)).toBe(false);
    // The date as written, not shifted to UTC.
    expect(customFieldValue(field('date'), '2026-03-04T23:30:00-05:00')).toBe('2026-03-04');
    expect(customFieldValue(field('monetary'), 12.5)).toBe('12.50');
    expect(customFieldValue(field('monetary'), 'EUR12.50')).toBe('EUR12.50');
    const select = field('select', { select_options: [{ id: 'a1', label: 'High' }] });
    expect(customFieldValue(select, 'high')).toBe('a1');
  });

  it('says why a value does not fit', () => {
    const cases: Array<[string, unknown]> = [
      ['integer', '4.5'],
      ['integer', ''],
      ['boolean', 'maybe'],
      ['date', 'March'],
      ['string', 'x'.repeat(129)],
      ['documentlink', '3'],
    ];
    for (const [type, value] of cases) {
      expect(() => customFieldValue(field(type), value as string)).toThrow(ValueMismatch);
    }
    expect(() =>
      customFieldValue(field('select', { select_options: [{ id: 'a1', label: 'High' }] }), 'Low'),
    ).toThrow(/not one of the options \(High\)/);
  });
});

describe('paperlessBackendSchema', () => {
  it('fills defaults and refuses plain http off loopback', () => {
    expect(
      paperlessBackendSchema.parse({ type: 'paperless', url: 'https://dms.example', token: '${env:T}' }),
    ).toMatchObject({
      messageIdField: 'Message-ID',
      keyField: 'Postroom-Key',
      taskTimeoutSeconds: 300,
      pollIntervalMs: 1000,
    });
    expect(
      paperlessBackendSchema.safeParse({ type: 'paperless', url: 'http://dms.example', token: 't' }).success,
    ).toBe(false);
    expect(
      paperlessBackendSchema.safeParse({ type: 'paperless', url: 'http://127.0.0.1:8000', token: 't' })
        .success,
    ).toBe(true);
    expect(
      paperlessBackendSchema.safeParse({
        type: 'paperless',
        url: 'https://dms.example',
        token: 't',
        extra: 1,
      }).success,
    ).toBe(false);
  });

  it('gives every delivery key its own short key value', () => {
    const key = { sourceId: 's', messageId: 'AAMk/+=', receivedDateTime: '2026-01-01T00:00:00Z' };
    expect(paperlessKeyValue(key)).toMatch(/^postroom1-[0-9a-f]{40}$/);
    expect(paperlessKeyValue(key)).toBe(paperlessKeyValue({ ...key }));
    expect(paperlessKeyValue({ ...key, part: 'att-1' })).not.toBe(paperlessKeyValue(key));
    expect(paperlessKeyValue({ ...key, part: '' })).toBe(paperlessKeyValue(key));
  });
});

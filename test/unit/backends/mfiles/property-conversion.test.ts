import { DataType } from '../../../../src/backends/mfiles/mfws-types';
import { ConversionProblem, convertValue } from '../../../../src/backends/mfiles/property-conversion';
import type { PropertyInfo } from '../../../../src/backends/mfiles/vault-metadata';
import type { MappedValue } from '../../../../src/mapping/mapped-metadata';

const prop = (dataType: number): PropertyInfo => ({ id: 1500, name: 'Test', dataType, valueList: 5 });
const items = {
  items: [
    { id: 1, name: 'Finance' },
    { id: 2, name: ' Legal ' },
    { id: 10, name: '2024' },
    { id: 11, name: 'Twin' },
    { id: 12, name: 'twin' },
  ],
  complete: true,
};

function convert(dataType: number, value: MappedValue, timeZone = 'UTC', list = items) {
  return convertValue(prop(dataType), value, { timeZone, items: list });
}

function problem(dataType: number, value: MappedValue, timeZone = 'UTC'): string {
  try {
    convert(dataType, value, timeZone);
  } catch (err) {
    expect(err).toBeInstanceOf(ConversionProblem);
    return (err as Error).message;
  }
  throw new Error('converted although it should not');
}

describe('M-Files property conversion', () => {
  it('Text: joins arrays, flattens line breaks, cuts at 100 characters with a note', () => {
    expect(convert(DataType.Text, ['a@x.example', 'b@x.example'])?.typed).toEqual({
      DataType: 1,
      Value: 'a@x.example, b@x.example',
    });
    expect(convert(DataType.Text, 'line\r\nnext\tend')?.typed.Value).toBe('line next end');
    expect(convert(DataType.Text, 42)?.typed.Value).toBe('42');
    const long = convert(DataType.Text, '€'.repeat(130));
    expect([...String(long?.typed.Value)]).toHaveLength(100);
    expect(long?.note).toBe('cut from 130 to 100 characters');
    expect(convert(DataType.Text, ' \r\n ')).toBeUndefined();
  });

  it('MultiLineText keeps line breaks and is not cut', () => {
    expect(convert(DataType.MultiLineText, ['a', 'b'])?.typed).toEqual({ DataType: 13, Value: 'a\nb' });
    expect(String(convert(DataType.MultiLineText, 'x'.repeat(5000))?.typed.Value)).toHaveLength(5000);
  });

  it('Integer and Integer64 accept whole numbers and digit strings within range', () => {
    expect(convert(DataType.Integer, ' -17 ')?.typed).toEqual({ DataType: 2, Value: -17 });
    expect(convert(DataType.Integer, 2_147_483_647)?.typed.Value).toBe(2_147_483_647);
    expect(problem(DataType.Integer, -2_147_483_649)).toMatch(/outside the range of a 32-bit integer/);
    expect(problem(DataType.Integer, '1e3')).toMatch(/not a 32-bit integer/);
    expect(problem(DataType.Integer, true)).toMatch(/not a 32-bit integer/);
    expect(problem(DataType.Integer, ['1', '2'])).toMatch(/2 values for a property that holds one/);
    expect(convert(DataType.Integer64, '4294967296')?.typed).toEqual({ DataType: 11, Value: 4294967296 });
    expect(problem(DataType.Integer64, '9223372036854775807')).toMatch(/outside the range/);
  });

  it('Floating accepts numbers and decimal-point strings only', () => {
    expect(convert(DataType.Floating, '-0.5e2')?.typed).toEqual({ DataType: 3, Value: -50 });
    expect(convert(DataType.Floating, 3)?.typed.Value).toBe(3);
    expect(problem(DataType.Floating, '1,5')).toMatch(/not a number/);
    expect(problem(DataType.Floating, Number.NaN)).toMatch(/not a number/);
  });

  it('Date and Time read instants in the configured zone; a plain date stays as written', () => {
    expect(convert(DataType.Date, '2026-06-30T22:15:00Z', 'Europe/Berlin')?.typed).toEqual({
      DataType: 5,
      Value: '2026-07-01',
    });
    expect(convert(DataType.Date, '2026-06-30T22:15:00Z', 'UTC')?.typed.Value).toBe('2026-06-30');
    expect(convert(DataType.Date, '2026-06-30T08:00:00-07:00', 'America/Los_Angeles')?.typed.Value).toBe(
      '2026-06-30',
    );
    expect(convert(DataType.Date, '2026-02-28', 'Pacific/Kiritimati')?.typed.Value).toBe('2026-02-28');
    expect(convert(DataType.Time, '2026-06-30T22:15:09Z', 'Europe/Berlin')?.typed).toEqual({
      DataType: 6,
      Value: '00:15:09',
    });
    expect(convert(DataType.Time, '7:05')?.typed.Value).toBe('07:05:00');
    expect(problem(DataType.Time, '2026-06-30')).toMatch(/not a time/);
    expect(problem(DataType.Date, '2026-13-01')).toMatch(/not an ISO 8601 date/);
    expect(problem(DataType.Date, 1_700_000_000_000)).toMatch(/not an ISO 8601 date/);
  });

  it('Timestamp is UTC; a time without zone is read in the configured zone, not the host’s', () => {
    expect(convert(DataType.Timestamp, '2026-01-15T10:00:00.123+01:00')?.typed).toEqual({
      DataType: 7,
      Value: '2026-01-15T09:00:00Z',
    });
    expect(convert(DataType.Timestamp, '2026-01-15T10:00:00', 'Europe/Helsinki')?.typed.Value).toBe(
      '2026-01-15T08:00:00Z',
    );
    expect(convert(DataType.Timestamp, '2026-07-15', 'Europe/Berlin')?.typed.Value).toBe(
      '2026-07-14T22:00:00Z',
    );
  });

  it('Boolean takes booleans, 1/0 and yes/no words', () => {
    for (const yes of [true, 'TRUE', 'yes', '1', 1])
      expect(convert(DataType.Boolean, yes)?.typed).toEqual({ DataType: 8, Value: true });
    for (const no of [false, 'False', 'no', '0', 0])
      expect(convert(DataType.Boolean, no)?.typed.Value).toBe(false);
    expect(problem(DataType.Boolean, 'ja')).toMatch(/not a yes\/no value/);
  });

  it('Lookup matches names case-insensitively first, then ids; ambiguity and misses are errors', () => {
    const item = (value: MappedValue) => convert(DataType.Lookup, value)?.typed.Lookup;
    expect(item('finance')).toEqual({ Item: 1, Version: -1 });
    expect(item('legal')).toEqual({ Item: 2, Version: -1 });
    expect(item('2024')).toEqual({ Item: 10, Version: -1 });
    expect(item('2')).toEqual({ Item: 2, Version: -1 });
    expect(item(11)).toEqual({ Item: 11, Version: -1 });
    expect(problem(DataType.Lookup, 'TWIN')).toMatch(/several items are named "TWIN" \(ids 11, 12\)/);
    expect(problem(DataType.Lookup, 'Sales')).toMatch(/no value-list item is named "Sales"/);
    expect(problem(DataType.Lookup, 99)).toMatch(/no value-list item has id 99/);
    expect(problem(DataType.Lookup, true)).toMatch(/yes\/no value cannot choose/);
    // Beyond a list the server returned only in part, an id is left for the server to check.
    expect(convert(DataType.Lookup, 99, 'UTC', { ...items, complete: false })?.typed.Lookup).toEqual({
      Item: 99,
      Version: -1,
    });
  });

  it('MultiSelectLookup takes one or many, drops duplicates and empty entries', () => {
    expect(convert(DataType.MultiSelectLookup, ['Finance', '1', '', 'LEGAL'])?.typed).toEqual({
      DataType: 10,
      Lookups: [
        { Item: 1, Version: -1 },
        { Item: 2, Version: -1 },
      ],
    });
    expect(convert(DataType.MultiSelectLookup, 'Legal')?.typed.Lookups).toEqual([{ Item: 2, Version: -1 }]);
    expect(convert(DataType.MultiSelectLookup, [''])).toBeUndefined();
  });

  it('empty values set nothing; unknown data types are refused', () => {
    for (const dataType of Object.values(DataType)) {
      expect(convert(dataType, null)).toBeUndefined();
      expect(convert(dataType, '')).toBeUndefined();
      expect(convert(dataType, [])).toBeUndefined();
    }
    expect(problem(4, 'x')).toMatch(/data type 4 is not supported/);
  });
});

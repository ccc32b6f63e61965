import type { DocumentSink } from '../../../src/backends/document-sink';
import { PostroomError, isRetryable } from '../../../src/errors/postroom-error';
import type { MappedProperty } from '../../../src/mapping/mapped-metadata';
import { simpleValue, type MFilesSimulator } from '../../../src/simulators/mfiles';
import {
  CLASS_INVOICE,
  P,
  captureLogger,
  makeDocument,
  sinkFor,
  startTestVault,
} from '../../helpers/mfiles-vault';
import { tempDir } from '../../helpers/temp-dir';

const prop = (
  property: string | number,
  value: MappedProperty['value'],
  origin = 'rule',
): MappedProperty => ({
  property,
  value,
  origin,
});

describe('M-Files sink: metadata mapping into every data type', () => {
  let sim: MFilesSimulator;
  let dir: ReturnType<typeof tempDir>;
  let sink: DocumentSink;
  beforeEach(async () => {
    sim = await startTestVault();
    dir = tempDir('mfiles-map');
    sink = sinkFor(sim, captureLogger().logger, { timeZone: 'Europe/Berlin' });
  });
  afterEach(async () => {
    await sim.stop();
    dir.cleanup();
  });

  const deliver = (properties: MappedProperty[], cls: string | number = 1) =>
    sink.deliver(makeDocument(dir.path, { mapped: { class: cls, properties } }));

  it('converts text, multi-line text, numbers, dates, times, booleans and lookups', async () => {
    await deliver(
      [
        prop('Invoice number', 'RE-4711\r\nsecond line', 'subject'),
        prop(P.notes, ['first line', 'second line'], 'body'),
        prop('page count', '12'),
        prop('Archive number', 9_007_199_254_740_991),
        prop('Amount', '1234.5'),
        prop('Invoice date', '2026-03-04T23:30:00Z', 'received'),
        prop('Received time', '2026-03-04T23:30:00Z', 'received'),
        prop('Received at', '2026-03-05T00:30:00+01:00', 'received'),
        prop('Paid', 'yes'),
        prop('Customer', 'fabrikam', 'from.name'),
        prop('Tags', ['Finance', '3', 'URGENT', 'finance'], 'categories'),
      ],
      CLASS_INVOICE,
    );
    const [object] = sim.liveObjects();
    expect(object!.classId).toBe(CLASS_INVOICE);
    expect(simpleValue(object!, P.invoiceNumber)).toBe('RE-4711 second line');
    expect(simpleValue(object!, P.notes)).toBe('first line\nsecond line');
    expect(simpleValue(object!, P.pageCount)).toBe(12);
    expect(simpleValue(object!, P.archiveNumber)).toBe(9_007_199_254_740_991);
    expect(simpleValue(object!, P.amount)).toBe(1234.5);
    // Date and Time are the calendar day and clock time in the configured zone (Berlin, UTC+1).
    expect(simpleValue(object!, P.invoiceDate)).toBe('2026-03-05');
    expect(simpleValue(object!, P.receivedTime)).toBe('00:30:00');
    // Timestamps are UTC.
    expect(simpleValue(object!, P.receivedAt)).toBe('2026-03-04T23:30:00Z');
    expect(simpleValue(object!, P.paid)).toBe(true);
    expect(simpleValue(object!, P.customer)).toBe(2);
    expect(simpleValue(object!, P.tags)).toEqual([1, 3, 2]);
  });

  it('chooses lookups by id (number or digits) as well as by name', async () => {
    await deliver(
      [prop(P.invoiceNumber, 1), prop(P.customer, 1), prop(P.tags, '2'), prop(P.paid, false)],
      CLASS_INVOICE,
    );
    const [object] = sim.liveObjects();
    expect(simpleValue(object!, P.invoiceNumber)).toBe('1');
    expect(simpleValue(object!, P.customer)).toBe(1);
    expect(simpleValue(object!, P.tags)).toEqual([2]);
    expect(simpleValue(object!, P.paid)).toBe(false);
  });

  it('finds a value-list item added in M-Files after the list was read', async () => {
    await deliver([prop(P.customer, 'Contoso Ltd')]);
    sim.addValueListItem(100, { id: 7, name: 'Northwind' });
    await deliver([prop(P.customer, 'northwind')]);
    expect(sim.liveObjects().map((o) => simpleValue(o, P.customer))).toEqual([1, 7]);
  });

  it('leaves empty values out and plain dates as written', async () => {
    await deliver([
      prop(P.notes, null),
      prop(P.tags, []),
      prop(P.invoiceDate, '2026-02-28'),
      prop(P.receivedTime, '9:05'),
    ]);
    const [object] = sim.liveObjects();
    expect(simpleValue(object!, P.notes)).toBeUndefined();
    expect(simpleValue(object!, P.tags)).toBeUndefined();
    expect(simpleValue(object!, P.invoiceDate)).toBe('2026-02-28');
    expect(simpleValue(object!, P.receivedTime)).toBe('09:05:00');
  });

  const failures: Array<[string, MappedProperty, RegExp]> = [
    [
      'text into an integer',
      prop('Page count', 'twelve', 'subject'),
      /"Page count" \(1003\), Integer, to "twelve" from subject: not a 32-bit integer/,
    ],
    ['a fraction into an integer', prop(P.pageCount, 1.5), /"Page count" \(1003\).*1\.5.*not a whole number/],
    ['an integer out of range', prop(P.pageCount, 2_147_483_648), /2147483648.*outside the range/],
    [
      'an int64 beyond what JSON carries',
      prop(P.archiveNumber, '9007199254740993'),
      /"Archive number" \(1004\).*outside the range/,
    ],
    [
      'a comma decimal into floating',
      prop(P.amount, '1.234,50'),
      /"Amount" \(1005\), Floating, to "1\.234,50".*not a number/,
    ],
    [
      'no date',
      prop(P.invoiceDate, '04.03.2026', 'header:Date'),
      /"Invoice date" \(1006\), Date, to "04\.03\.2026" from header:Date/,
    ],
    ['an impossible date', prop(P.invoiceDate, '2026-02-30'), /"Invoice date".*"2026-02-30"/],
    ['no time', prop(P.receivedTime, '25:00'), /"Received time" \(1007\), Time, to "25:00"/],
    ['no timestamp', prop(P.receivedAt, 'yesterday'), /"Received at" \(1008\), Timestamp, to "yesterday"/],
    ['no boolean', prop(P.paid, 'maybe'), /"Paid" \(1009\), Boolean, to "maybe".*not a yes\/no value/],
    [
      'an unknown lookup name',
      prop(P.customer, 'Initech', 'from.name'),
      /"Customer" \(1010\), Lookup, to "Initech" from from\.name: no value-list item is named "Initech"/,
    ],
    ['a deleted lookup item', prop(P.customer, 3), /"Customer" \(1010\).*no value-list item has id 3/],
    [
      'two values for a single lookup',
      prop(P.customer, ['Fabrikam', 'Contoso Ltd']),
      /"Customer".*2 values for a property that holds one/,
    ],
    [
      'an unknown multi-select item',
      prop(P.tags, ['Finance', 'Nope']),
      /"Tags" \(1011\), MultiSelectLookup, to \["Finance","Nope"\].*"Nope"/,
    ],
    ['an unknown property', prop('Cost centre', 'x', 'rule 3'), /no property "Cost centre" \(from rule 3\)/],
    ['the key property', prop(P.key, 'x'), /"postroom key" \(1020\) holds postroom's delivery key/],
    ['single file', prop(22, false), /"Single file" \(22\) is set by postroom/],
    ['the class as a property', prop('Class', 1), /"Class" \(100\) is chosen through the mapping's class/],
  ];

  it.each(failures)(
    'refuses %s with a permanent error naming source, property and value',
    async (_label, mapped, message) => {
      const error = await deliver([mapped]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PostroomError);
      expect(error).toMatchObject({ code: 'METADATA_INVALID' });
      expect((error as Error).message).toMatch(/^source invoices: /);
      expect((error as Error).message).toMatch(message);
      expect(isRetryable(error)).toBe(false);
      expect(sim.counters().requests.upload ?? 0).toBe(0);
      expect(sim.objects()).toHaveLength(0);
    },
  );

  it('names the required properties a class misses', async () => {
    const error = await deliver([], 'Invoice').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'METADATA_INVALID' });
    expect((error as Error).message).toContain(
      'the M-Files class "Invoice" (10) requires "Invoice number" (1001)',
    );
  });

  it('refuses an unknown class from the mapping (permanent) and from the configuration', async () => {
    await expect(deliver([], 'Contracts')).rejects.toMatchObject({
      code: 'METADATA_INVALID',
      message: expect.stringContaining('the class "Contracts" from the mapping does not exist'),
    });
    const misconfigured = sinkFor(sim, captureLogger().logger, { defaultClass: 'Nope' });
    await expect(misconfigured.deliver(makeDocument(dir.path))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('backends.vault.defaultClass'),
    });
  });

  it('refuses a key property that is not single-line text', async () => {
    const misconfigured = sinkFor(sim, captureLogger().logger, { keyProperty: 'Notes' });
    await expect(misconfigured.deliver(makeDocument(dir.path))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(
        'backends.vault.keyProperty: property "Notes" (1002) must be a single-line text',
      ),
    });
  });
});

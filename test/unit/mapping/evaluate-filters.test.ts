import { evaluateFilters, filtersNeedContent } from '../../../src/mapping/evaluate-filters';
import { filtersSchema } from '../../../src/mapping/mapping-schema';
import { sampleInfo } from '../../helpers/message-info';

const filters = (input: unknown) => filtersSchema.parse(input);
const verdict = (input: unknown, overrides = {}) => evaluateFilters(sampleInfo(overrides), filters(input));

describe('evaluateFilters', () => {
  it('includes everything without filters', () => {
    expect(evaluateFilters(sampleInfo(), undefined)).toEqual({ include: true });
    expect(evaluateFilters(sampleInfo(), filters({}))).toEqual({ include: true });
  });

  it('names the exclude rule that matched', () => {
    expect(
      verdict({ exclude: [{ subject: 'x' }, { subject: 'Out of office*' }] }, { subject: 'Out of Office' }),
    ).toEqual({ include: false, reason: 'exclude[1]: subject matches "Out of office*"' });
  });

  it('describes every key of a multi-key rule', () => {
    const result = verdict({
      exclude: [{ sender: '*@supplier.example', hasAttachments: true, receivedAfter: '2026-10-01' }],
    });
    expect(result).toEqual({
      include: false,
      reason:
        'exclude[0]: sender matches "*@supplier.example" and hasAttachments is true and received on or after 2026-10-01',
    });
  });

  it('needs every key of a rule to match', () => {
    expect(verdict({ exclude: [{ sender: '*@supplier.example', hasAttachments: false }] })).toEqual({
      include: true,
    });
  });

  it('needs one include rule to match, and says so when none does', () => {
    expect(verdict({ include: [{ sender: '*@other.example' }, { subject: 'Invoice*' }] })).toEqual({
      include: true,
    });
    expect(verdict({ include: [{ sender: '*@other.example' }] })).toEqual({
      include: false,
      reason: 'include[0] does not match: sender matches "*@other.example"',
    });
    expect(verdict({ include: [{ sender: '*@other.example' }, { subject: 'Order*' }] })).toEqual({
      include: false,
      reason: 'matches none of include[0..1]',
    });
  });

  it('excludes an included message that also matches an exclude rule', () => {
    expect(verdict({ include: [{ subject: 'Invoice*' }], exclude: [{ attachmentName: '*.docx' }] })).toEqual({
      include: false,
      reason: 'exclude[0]: attachmentName matches "*.docx"',
    });
  });

  describe('sender and recipient', () => {
    it('match the address case-insensitively, glob or regular expression', () => {
      expect(verdict({ include: [{ sender: 'billing@supplier.EXAMPLE' }] }).include).toBe(true);
      expect(verdict({ include: [{ sender: '/^billing@supplier\\.example$/' }] }).include).toBe(true);
    });

    it('match the display name too', () => {
      expect(verdict({ include: [{ sender: 'Supplier*' }] }).include).toBe(true);
      expect(verdict({ include: [{ recipient: 'Auditor' }] }).include).toBe(true);
    });

    it('recipient looks at To and Cc', () => {
      expect(verdict({ include: [{ recipient: 'accounts@*' }] }).include).toBe(true);
      expect(verdict({ include: [{ recipient: 'audit@contoso.example' }] }).include).toBe(true);
      expect(verdict({ include: [{ recipient: 'billing@*' }] }).include).toBe(false);
    });

    it('a message without a sender matches no sender rule', () => {
      expect(verdict({ exclude: [{ sender: '*' }] }, { from: undefined })).toEqual({ include: true });
    });
  });

  it('subject and body globs cover the whole text; a missing one is empty', () => {
    expect(verdict({ include: [{ subject: 'invoice' }] }).include).toBe(false);
    expect(verdict({ include: [{ body: '*invoice 4711*' }] }).include).toBe(true);
    expect(verdict({ include: [{ body: '/^please find/m' }] }).include).toBe(true);
    expect(verdict({ exclude: [{ subject: '*' }] }, { subject: undefined }).include).toBe(false);
    expect(verdict({ exclude: [{ body: '?*' }] }, { bodyText: undefined }).include).toBe(true);
  });

  it('attachmentName matches any attachment', () => {
    expect(verdict({ include: [{ attachmentName: '*.pdf' }] }).include).toBe(true);
    expect(verdict({ include: [{ attachmentName: '*.xlsx' }] }).include).toBe(false);
    expect(verdict({ include: [{ attachmentName: '*' }] }, { attachmentNames: [] }).include).toBe(false);
  });

  it('hasAttachments compares the flag', () => {
    expect(verdict({ exclude: [{ hasAttachments: false }] }, { hasAttachments: false })).toEqual({
      include: false,
      reason: 'exclude[0]: hasAttachments is false',
    });
    expect(verdict({ exclude: [{ hasAttachments: false }] }).include).toBe(true);
  });

  it('receivedAfter includes the moment itself and respects offsets', () => {
    expect(verdict({ include: [{ receivedAfter: '2026-10-30' }] }).include).toBe(true);
    expect(verdict({ include: [{ receivedAfter: '2026-10-31' }] }).include).toBe(false);
    expect(verdict({ include: [{ receivedAfter: '2026-10-30T10:00:00Z' }] }).include).toBe(true);
    expect(verdict({ include: [{ receivedAfter: '2026-10-30T10:00:00.001Z' }] }).include).toBe(false);
    // 11:30 at +01:00 is 10:30 UTC, after the message's 10:00 UTC.
    expect(verdict({ include: [{ receivedAfter: '2026-10-30T11:30:00+01:00' }] }).include).toBe(false);
    expect(verdict({ include: [{ receivedAfter: '2026-10-30T10:30:00+01:00' }] }).include).toBe(true);
  });

  it('filtersNeedContent says when the decision needs the downloaded MIME', () => {
    expect(filtersNeedContent(undefined)).toBe(false);
    expect(filtersNeedContent(filters({ exclude: [{ subject: 'x', sender: 'y' }] }))).toBe(false);
    expect(filtersNeedContent(filters({ include: [{ body: '*x*' }] }))).toBe(true);
    expect(filtersNeedContent(filters({ exclude: [{ attachmentName: '*.exe' }] }))).toBe(true);
  });
});

import { shortFileName, fileExtension } from '../../../../src/conversion/msg/short-file-name';
import { splitSubject } from '../../../../src/conversion/msg/subject-prefix';
import { compareNames } from '../../../../src/conversion/msg/cfb-directory';
import { guidBytes } from '../../../../src/conversion/msg/named-properties';
import { referencedContentIds } from '../../../../src/conversion/msg/attachment-properties';

describe('subject prefix', () => {
  it.each([
    ['RE: hello', 'RE: ', 'hello'],
    ['Fwd: hello', 'Fwd: ', 'hello'],
    ['AW: RE: x', 'AW: ', 'RE: x'],
    ['回复: 你好', '回复: ', '你好'],
    ['Re:hello', '', 'Re:hello'],
    ['2024: plan', '', '2024: plan'],
    ['Four: x', '', 'Four: x'],
    ['[list] RE: x', '', '[list] RE: x'],
    ['', '', ''],
  ])('%j -> prefix %j, normalized %j', (subject, prefix, normalized) => {
    expect(splitSubject(subject)).toEqual({ prefix, normalized });
  });
});

describe('8.3 short file names', () => {
  it.each([
    ['report.pdf', 0, 'REPORT.PDF'],
    ['Quarterly report.pdf', 0, 'QUARTE~1.PDF'],
    ['archive.tar.gz', 4, 'ARCHIV~5.GZ'],
    ['日本語.txt', 1, 'ATTACH~2.TXT'],
    ['README', 0, 'README'],
    ['notes.markdown', 2, 'NOTES~3.MAR'],
    ['x'.repeat(40), 2047, 'XXX~2048'],
  ])('%j (#%i) -> %j', (name, index, short) => {
    expect(shortFileName(name, index)).toBe(short);
    expect(shortFileName(name, index).length).toBeLessThanOrEqual(12);
  });

  it('extensions keep their dot', () => {
    expect([
      fileExtension('a.pdf'),
      fileExtension('a'),
      fileExtension('.hidden'),
      fileExtension('a.'),
    ]).toEqual(['.pdf', undefined, undefined, undefined]);
  });
});

describe('compound file name order', () => {
  it('sorts shorter names first, then by upper-cased code units', () => {
    const names = [
      '__substg1.0_0037001F',
      'b',
      'A',
      '__nameid_version1.0',
      '__substg1.0_0037001E',
      'a_',
      'AB',
    ];
    expect([...names].sort(compareNames)).toEqual([
      'A',
      'b',
      'AB',
      'a_',
      '__nameid_version1.0',
      '__substg1.0_0037001E',
      '__substg1.0_0037001F',
    ]);
    expect(compareNames('abc', 'ABC')).toBe(0);
  });
});

describe('GUID bytes', () => {
  it('lays out the first three groups little-endian', () => {
    expect(guidBytes('{00020329-0000-0000-C000-000000000046}').toString('hex')).toBe(
      '2903020000000000c000000000000046',
    );
  });
});

describe('content ids the HTML shows', () => {
  it('finds cid: URLs in attributes and CSS, case-insensitively and percent-decoded', () => {
    const ids = referencedContentIds(
      `<img src="cid:Part1.ABC@x"><div style="background:url(cid:bg%40x)"></div><img src='CID:q@x'>`,
    );
    expect([...ids].sort()).toEqual(['bg%40x', 'bg@x', 'part1.abc@x', 'q@x']);
    expect(referencedContentIds('<img src="cid:abc@x">').has('ab')).toBe(false);
    expect(referencedContentIds(undefined).size).toBe(0);
  });
});

import { bufferByteSource, SampleKeeper } from '../../../src/conversion/byte-source';
import { decideType, fixExtension, sniffType } from '../../../src/conversion/sniff-type';
import { SeededRandom } from '../../../src/simulators/seeded-random';
import {
  docxFile,
  gifFile,
  icsFile,
  jpegFile,
  oleFile,
  pdfFile,
  pngFile,
  randomBytes,
  tnefFile,
  xlsxFile,
  zipFile,
} from '../../helpers/sample-files';

const random = new SeededRandom(11);
const sniff = async (data: Buffer) => (await sniffType(bufferByteSource(data)))?.contentType;

describe('sniffType', () => {
  it.each([
    ['PDF', pdfFile(random), 'application/pdf'],
    ['PDF after junk', Buffer.concat([Buffer.from('garbage\r\n'), pdfFile(random)]), 'application/pdf'],
    ['PNG', pngFile(random), 'image/png'],
    ['JPEG', jpegFile(random), 'image/jpeg'],
    ['GIF', gifFile(random), 'image/gif'],
    [
      'TIFF (little-endian)',
      Buffer.concat([Buffer.from('49492a00', 'hex'), randomBytes(random, 100)]),
      'image/tiff',
    ],
    [
      'TIFF (big-endian)',
      Buffer.concat([Buffer.from('4d4d002a', 'hex'), randomBytes(random, 100)]),
      'image/tiff',
    ],
    ['RTF', Buffer.from('{\\rtf1\\ansi hello}'), 'application/rtf'],
    ['GZIP', Buffer.concat([Buffer.from('1f8b08', 'hex'), randomBytes(random, 50)]), 'application/gzip'],
    ['docx', docxFile(random), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['xlsx', xlsxFile(random), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    [
      'pptx',
      zipFile([
        ['[Content_Types].xml', Buffer.from('<Types/>')],
        ['ppt/presentation.xml', Buffer.from('<p/>')],
      ]),
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    ['plain zip', zipFile([['readme.txt', Buffer.from('hello')]]), 'application/zip'],
    [
      'OpenDocument text',
      zipFile([
        ['mimetype', Buffer.from('application/vnd.oasis.opendocument.text')],
        ['content.xml', Buffer.from('<x/>')],
      ]),
      'application/vnd.oasis.opendocument.text',
    ],
    ['Word 97 (OLE)', oleFile('WordDocument'), 'application/msword'],
    ['Excel 97 (OLE)', oleFile('Workbook'), 'application/vnd.ms-excel'],
    ['Outlook .msg (OLE)', oleFile('__substg1.0_0037001F'), 'application/vnd.ms-outlook'],
    ['unknown OLE', oleFile('Something'), 'application/x-ole-storage'],
    ['TNEF', tnefFile([{ name: 'a.txt', data: Buffer.from('a') }]), 'application/ms-tnef'],
    ['iCalendar', icsFile('REQUEST', 'x'), 'text/calendar'],
  ])('recognises %s', async (_label, data, type) => {
    expect(await sniff(data)).toBe(type);
  });

  it('says nothing about plain text or random bytes', async () => {
    expect(await sniff(Buffer.from('just some text\n'))).toBeUndefined();
    expect(await sniff(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04]))).toBeUndefined();
    expect(await sniff(Buffer.alloc(0))).toBeUndefined();
  });

  it('works from the first and last bytes kept while streaming (no file written)', async () => {
    const docx = Buffer.concat([docxFile(random)]);
    const keeper = new SampleKeeper(64);
    for (let i = 0; i < docx.length; i += 7) keeper.add(docx.subarray(i, i + 7));
    const tail = await keeper.source().read(docx.length - 22, 22);
    expect(tail.equals(docx.subarray(docx.length - 22))).toBe(true);
    // The central directory is beyond the 64-byte samples; the local headers still tell.
    expect((await sniffType(keeper.source()))?.contentType).toMatch(/wordprocessingml|zip/);
  });
});

describe('decideType', () => {
  const pdf = { contentType: 'application/pdf', weak: false };
  it('lets the bytes decide for generic declarations, keeping the declared one', () => {
    expect(decideType('application/octet-stream', pdf)).toEqual({
      contentType: 'application/pdf',
      declaredContentType: 'application/octet-stream',
      fromBytes: true,
    });
    expect(decideType('binary/octet-stream', pdf).contentType).toBe('application/pdf');
  });

  it('lets the bytes decide when they contradict the declaration', () => {
    expect(decideType('image/jpeg', pdf)).toMatchObject({
      contentType: 'application/pdf',
      declaredContentType: 'image/jpeg',
    });
    const xlsx = {
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      weak: false,
    };
    expect(decideType('application/vnd.ms-excel', xlsx).contentType).toBe(xlsx.contentType);
    expect(decideType('application/zip', xlsx).contentType).toBe(xlsx.contentType);
  });

  it('keeps a declaration the bytes agree with, even a more specific one', () => {
    expect(decideType('application/pdf', pdf)).toEqual({ contentType: 'application/pdf', fromBytes: true });
    expect(decideType('image/jpg', { contentType: 'image/jpeg', weak: false }).contentType).toBe(
      'image/jpeg',
    );
    const zip = { contentType: 'application/zip', weak: false };
    expect(decideType('application/vnd.ms-excel.sheet.macroEnabled.12', zip).contentType).toBe(
      'application/vnd.ms-excel.sheet.macroenabled.12',
    );
    const ole = { contentType: 'application/x-ole-storage', weak: false };
    expect(decideType('application/msword', ole).contentType).toBe('application/msword');
  });

  it('keeps the declaration when the bytes say nothing, using the extension for generic ones', () => {
    expect(decideType('text/plain', undefined)).toEqual({ contentType: 'text/plain', fromBytes: false });
    expect(decideType('application/octet-stream', undefined, 'notes.txt')).toMatchObject({
      contentType: 'text/plain',
    });
    expect(decideType('application/octet-stream', undefined, 'blob.dat').contentType).toBe(
      'application/octet-stream',
    );
    // Weak evidence (a text format) does not override a specific declaration.
    expect(decideType('text/plain', { contentType: 'text/calendar', weak: true }).contentType).toBe(
      'text/plain',
    );
  });
});

describe('fixExtension', () => {
  const pdfFromBytes = { contentType: 'application/pdf', fromBytes: true };
  it('adds, replaces or keeps extensions sensibly', () => {
    expect(fixExtension('report.pdf', pdfFromBytes)).toBe('report.pdf');
    expect(fixExtension('report.PDF', pdfFromBytes)).toBe('report.PDF');
    expect(fixExtension('scan0001', pdfFromBytes)).toBe('scan0001.pdf');
    expect(fixExtension('file.bin', pdfFromBytes)).toBe('file.pdf');
    expect(fixExtension('scan.jpg', pdfFromBytes)).toBe('scan.jpg.pdf');
    expect(fixExtension('photo.jpeg', { contentType: 'image/jpeg', fromBytes: true })).toBe('photo.jpeg');
    expect(fixExtension('notes', { contentType: 'text/plain', fromBytes: false })).toBe('notes.txt');
    expect(fixExtension('photo.heic', { contentType: 'image/jpeg', fromBytes: false })).toBe('photo.heic');
    expect(fixExtension('app.jar', { contentType: 'application/zip', fromBytes: true })).toBe('app.jar');
    expect(fixExtension('archive', { contentType: 'application/zip', fromBytes: true })).toBe('archive.zip');
    expect(fixExtension('blob', { contentType: 'application/x-ole-storage', fromBytes: true })).toBe('blob');
    expect(fixExtension('blob', { contentType: 'application/octet-stream', fromBytes: false })).toBe('blob');
  });
});

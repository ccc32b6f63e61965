import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertMessage } from '../../../src/conversion/convert-message';
import { decompressRtf } from '../../../src/conversion/tnef/compressed-rtf';
import { decodeTnef, type TnefFile } from '../../../src/conversion/tnef/decode-tnef';
import { SeededRandom } from '../../../src/simulators/seeded-random';
import { allFiles, optionsFor, sandbox, sha256 } from '../../helpers/conversion';
import { CORPUS_DIR, corpusAvailable } from '../../helpers/corpus';
import { base64Body } from '../../helpers/mime-builder';
import { pdfFile, tnefFile } from '../../helpers/sample-files';

const TNEF_DIR = join(CORPUS_DIR, 'mimekit/tnef');
const haveCorpus = corpusAvailable();
const itCorpus = haveCorpus ? it : it.skip;

/** Text outputs in the corpus were checked in with LF line ends; MAPI strings may end in NULs. */
const normalised = (data: Buffer) => data.toString('latin1').replace(/\0+$/, '').replace(/\r\n/g, '\n');

/**
 * The expected output files in the corpus that may hold `file`: same name, or name.N for
 * repeated names; the body is saved as message.rtf / message.html there.
 */
function expectedOutputs(dir: string, file: TnefFile): Buffer[] {
  if (!existsSync(dir)) return [];
  const name = file.name ?? '';
  const ext = name.split('.').pop();
  return readdirSync(dir)
    .filter((n) => n === name || n.startsWith(`${name}.`) || (file.kind === 'body' && n === `message.${ext}`))
    .map((n) => readFileSync(join(dir, n)));
}

function matches(file: TnefFile, expected: Buffer): boolean {
  if (expected.equals(file.data)) return true;
  // The reference tool keeps the 16-byte interface id in front of OLE objects; we drop it.
  if (file.kind === 'ole-object' && expected.subarray(16).equals(file.data)) return true;
  return normalised(expected) === normalised(file.data);
}

describe('TNEF decoding against the MimeKit corpus (mimekit/tnef)', () => {
  const cases = haveCorpus
    ? readdirSync(TNEF_DIR)
        .filter((f) => f.endsWith('.tnef'))
        .map((f) => f.slice(0, -5))
    : [];

  itCorpus('has the expected cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(17);
  });

  // Each NAME.list lists the files a correct decoder extracts from NAME.tnef ("body.rtf" and
  // "body.html" being the message body). The lists count each MAPI embedded message twice (its
  // 89-byte "not supported" placeholder and the object): we give the object once, so names are
  // compared as sets. Files beyond a list must exist among the expected outputs in NAME/.
  (cases.length > 0 ? it.each(cases) : it.skip.each(['(corpus missing)']))('%s', (name) => {
    const decoded = decodeTnef(readFileSync(join(TNEF_DIR, `${name}.tnef`)));
    expect(decoded.valid).toBe(true);
    const listed = readFileSync(join(TNEF_DIR, `${name}.list`), 'utf8')
      .split(/\r?\n/)
      .filter(Boolean);
    const names = decoded.files.map((f) => f.name);
    expect(new Set(names)).toEqual(
      new Set([...listed, ...names.filter((n) => !listed.includes(n as string))]),
    );
    for (const wanted of listed) expect(names).toContain(wanted);
    const outputDir = join(TNEF_DIR, name);
    for (const file of decoded.files) {
      const expected = expectedOutputs(outputDir, file);
      if (!listed.includes(file.name as string))
        expect({ extra: file.name, outputs: expected.length > 0 }).toEqual({
          extra: file.name,
          outputs: true,
        });
      if (expected.length > 0)
        expect({ file: file.name, same: expected.some((e) => matches(file, e)) }).toEqual({
          file: file.name,
          same: true,
        });
    }
  });

  itCorpus('decompresses RTF bodies (MS-OXRTFCP) to the reference output', () => {
    const decoded = decodeTnef(readFileSync(join(TNEF_DIR, 'rtf.tnef')));
    const body = decoded.files.find((f) => f.name === 'body.rtf');
    expect(body && normalised(body.data)).toBe(normalised(readFileSync(join(TNEF_DIR, 'rtf/message.rtf'))));
  });

  itCorpus('keeps going on garbage after the last attribute and on truncation', () => {
    const garbage = decodeTnef(readFileSync(join(TNEF_DIR, 'garbage-at-end.tnef')));
    expect(garbage.valid).toBe(true);
    expect(garbage.problems).toEqual(['TNEF stream truncated']);
    const data = readFileSync(join(TNEF_DIR, 'two-files.tnef'));
    const cut = decodeTnef(data.subarray(0, data.length - 100));
    expect(cut.valid).toBe(true);
    expect(cut.problems).toContain('TNEF stream truncated');
  });
});

describe('TNEF decoding', () => {
  const random = new SeededRandom(5);

  it('decodes files built from the spec (attAttachRendData, attAttachTitle, attAttachData, PR_ATTACH_LONG_FILENAME)', () => {
    const files = [
      { name: 'Quartalsbericht März.pdf', data: pdfFile(random, 3_000) },
      { name: 'a-very-long-file-name-beyond-8.3.txt', data: Buffer.from('hello') },
    ];
    const decoded = decodeTnef(tnefFile(files));
    expect(decoded).toMatchObject({ valid: true, messageClass: 'IPM.Microsoft Mail.Note', problems: [] });
    expect(decoded.files.map((f) => [f.name, sha256(f.data)])).toEqual(
      files.map((f) => [f.name, sha256(f.data)]),
    );
  });

  it('rejects data that is not TNEF and reports a bad checksum', () => {
    expect(decodeTnef(Buffer.from('not tnef at all')).valid).toBe(false);
    const data = tnefFile([{ name: 'x.txt', data: Buffer.from('abc') }]);
    data.writeUInt8(data.readUInt8(data.length - 30) ^ 0xff, data.length - 30);
    expect(decodeTnef(data).problems.join()).toMatch(/checksum/);
  });

  it('returns undefined for data that is not compressed RTF', () => {
    expect(decompressRtf(Buffer.alloc(8))).toBeUndefined();
    expect(decompressRtf(Buffer.alloc(20))).toBeUndefined();
  });
});

describe('TNEF in conversion', () => {
  const random = new SeededRandom(9);
  const mail = (winmail: Buffer) =>
    Buffer.from(
      'From: a@example.com\r\nTo: b@example.com\r\nSubject: TNEF\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n' +
        'Message-ID: <t@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
        '--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\n' +
        'Content-Transfer-Encoding: base64\r\n\r\n' +
        base64Body(winmail, '\r\n').toString('latin1') +
        '\r\n--b--\r\n',
    );

  it('turns winmail.dat into the files it carries', async () => {
    const pdf = pdfFile(random, 2_000);
    const box = sandbox(mail(tnefFile([{ name: 'Vertrag.pdf', data: pdf }])));
    try {
      const result = await convertMessage(box.input, box.workDir, optionsFor('eml', 'separate', 'keep'));
      expect(result.flags.tnef).toBe(true);
      const files = allFiles(result).filter((f) => f.role !== 'message');
      expect(files.map((f) => [f.role, f.name, f.contentType, f.sha256])).toEqual([
        ['tnef-file', 'Vertrag.pdf', 'application/pdf', sha256(pdf)],
      ]);
      expect(result.facts.attachmentNames).toEqual(['Vertrag.pdf']);
    } finally {
      box.cleanup();
    }
  });

  it('keeps a winmail.dat that cannot be decoded as a raw part', async () => {
    const broken = Buffer.concat([
      Buffer.from('789f3e22', 'hex'),
      Buffer.from('garbage that is no attribute'),
    ]);
    const box = sandbox(mail(Buffer.concat([Buffer.from('not tnef'), broken])));
    try {
      const result = await convertMessage(box.input, box.workDir, optionsFor('eml', 'separate', 'keep'));
      const files = allFiles(result).filter((f) => f.role !== 'message');
      expect(files.map((f) => [f.role, f.name])).toEqual([['raw-part', 'winmail.dat']]);
      expect(result.flags.malformed.join()).toMatch(/not a TNEF stream/);
    } finally {
      box.cleanup();
    }
  });

  itCorpus('decodes the winmail.dat of the corpus messages (rich-text.eml, ukr.eml)', async () => {
    for (const name of ['rich-text.eml', 'ukr.eml']) {
      const raw = readFileSync(join(TNEF_DIR, name));
      const box = sandbox(raw);
      try {
        const result = await convertMessage(box.input, box.workDir, optionsFor('eml', 'documents', 'keep'));
        expect(result.flags.tnef).toBe(true);
        expect(result.documents[0]?.files[0]?.role).toBe('message');
      } finally {
        box.cleanup();
      }
    }
  });
});

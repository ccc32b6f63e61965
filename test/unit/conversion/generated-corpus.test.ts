import { readFileSync } from 'node:fs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { convertMessage } from '../../../src/conversion/convert-message';
import type { ConversionResult, ConvertedFile } from '../../../src/conversion/conversion-types';
import {
  expectedOutput,
  generateMails,
  type ExpectedFile,
  type GeneratedMail,
} from '../../helpers/mail-generator';
import { nameProblems } from '../../helpers/name-rules';
import {
  allFiles,
  checkRecordedHashes,
  filesUnder,
  isInside,
  msgWriterAvailable,
  optionsFor,
  sandbox,
  sha256,
} from '../../helpers/conversion';
import { readWithMsgReader } from './msg/msgreader-view';

/**
 * Every generated message through every option combination: the embedded .eml is the spool file
 * byte for byte; every separated file holds exactly the decoded bytes of its part (checked against
 * the generator's own data and, independently, against mailparser); no file lands outside the
 * work directory; every name follows the rules and is unique within its document. With format msg
 * every unpacked nested message is a .msg file (application/vnd.ms-outlook) that keeps only the
 * inline images its body shows; what the .msg files hold field by field is checked against the
 * source in generated-msg.*.test.ts.
 */

const SEED = 20261130;
const mails = generateMails(SEED);
const MAX_IMAGE = 20 * 1024;
const MAX_DEPTH = 3;
const parsedCache = new Map<string, Promise<ParsedMail>>();
const parsed = (mail: GeneratedMail) => {
  if (!parsedCache.has(mail.id)) parsedCache.set(mail.id, simpleParser(mail.raw));
  return parsedCache.get(mail.id) as Promise<ParsedMail>;
};

const skippedUnder = (inline: string, file: ExpectedFile) =>
  inline === 'skip-images' && !!file.inlineImage && file.data.length <= MAX_IMAGE;

function checkNames(result: ConversionResult): string[] {
  const problems: string[] = [];
  for (const doc of result.documents) {
    const seen = new Set<string>();
    for (const file of doc.files) {
      for (const p of nameProblems(file.name)) problems.push(`${file.name}: ${p}`);
      const key = file.name.normalize('NFC').toLowerCase();
      if (seen.has(key)) problems.push(`${file.name}: not unique in document "${doc.part}"`);
      seen.add(key);
    }
  }
  return problems;
}

/** Checks produced files (one level) against what the generator put in. */
function checkLevel(
  mail: GeneratedMail,
  produced: ConvertedFile[],
  expected: ExpectedFile[],
  within: string[],
  format: 'eml' | 'msg',
  inline: string,
  depth: number,
) {
  const mine = produced.filter(
    (f) => JSON.stringify(f.within ?? []) === JSON.stringify(within) && f.role !== 'message',
  );
  const wanted = expected.filter((f) => !skippedUnder(inline, f));
  expect(mine.map((f) => f.role)).toEqual(wanted.map((f) => f.role));
  wanted.forEach((want, i) => {
    const got = mine[i] as ConvertedFile;
    // Nested mail deeper than maxNestingDepth is not unpacked: it stays the file it arrived as.
    const unpacked = depth + 1 <= MAX_DEPTH;
    const out = expectedOutput(want, format, unpacked);
    if (!mail.hostile) expect(got.name).toBe(out.name);
    expect(got.contentType).toBe(out.contentType);
    if (want.role === 'nested-message') expect(got.declaredContentType).toBe(out.declaredContentType);
    if (want.role !== 'nested-message' || !unpacked) {
      expect({ name: got.name, sha256: got.sha256 }).toEqual({ name: got.name, sha256: sha256(want.data) });
      return;
    }
    const nested = want.nested ?? [];
    if (format === 'msg') {
      // An Outlook message of its own: it keeps only the inline images its body shows, every
      // other file of it is separated like the top level's.
      const view = readWithMsgReader(readFileSync(got.path));
      expect(view.attachments.map((a) => a.fileName)).toEqual(
        nested.filter((f) => f.inlineImage).map((f) => f.outName),
      );
    } else if (nested.some((f) => !f.inlineImage)) {
      // The .eml is cut: its separated attachments leave it.
      expect(got.size).toBeLessThan(want.data.length);
    } else expect(got.sha256).toBe(sha256(want.data));
    checkLevel(mail, produced, nested, [...within, got.name], format, inline, depth + 1);
  });
}

describe.each([
  ['eml', 'embedded', 'keep'],
  ['eml', 'embedded', 'skip-images'],
  ['eml', 'separate', 'keep'],
  ['eml', 'separate', 'skip-images'],
  ['eml', 'documents', 'keep'],
  ['eml', 'documents', 'skip-images'],
  ['msg', 'embedded', 'keep'],
  ['msg', 'embedded', 'skip-images'],
  ['msg', 'separate', 'keep'],
  ['msg', 'separate', 'skip-images'],
  ['msg', 'documents', 'keep'],
  ['msg', 'documents', 'skip-images'],
] as const)('generated corpus: format %s, attachments %s, inline %s', (format, attachments, inline) => {
  it.each(mails.map((m) => [m.id, m] as const))('%s', async (_id, mail) => {
    if (format === 'msg' && !(await msgWriterAvailable())) return;
    const box = sandbox(mail.raw, 'gen');
    try {
      const result = await convertMessage(box.input, box.workDir, optionsFor(format, attachments, inline));
      const files = allFiles(result);

      // Nothing outside the work directory; nothing in it that the result does not name.
      expect(filesUnder(box.root).filter((p) => !isInside(box.workDir, p))).toEqual([box.input.path]);
      const written = files.filter((f) => f.path !== box.input.path).map((f) => f.path);
      expect(written.every((p) => isInside(box.workDir, p))).toBe(true);
      expect(filesUnder(box.workDir)).toEqual([...written].sort());
      expect(checkRecordedHashes(result)).toEqual([]);
      expect(checkNames(result)).toEqual([]);

      // Facts and flags.
      if (mail.subject !== undefined) expect(result.facts.subject).toBe(mail.subject);
      if (mail.fromName !== undefined) expect(result.facts.from?.name).toBe(mail.fromName);
      expect(result.flags.malformed.length > 0).toBe(mail.malformed);
      expect(result.flags.malformed.join()).not.toMatch(/conversion failed/);
      expect(result.flags.calendar ?? false).toBe(!!mail.calendar);
      expect(result.flags.tnef ?? false).toBe(!!mail.tnef);
      expect(result.flags.smime).toBe(mail.smime);
      const visible = mail.files.filter((f) => !skippedUnder(inline, f));
      if (!mail.hostile)
        expect(result.facts.attachmentNames).toEqual(
          visible.map((f) => expectedOutput(f, format, 1 <= MAX_DEPTH).name),
        );
      expect(result.facts.hasAttachments).toBe(visible.length > 0);
      expect(result.skipped.map((s) => s.name)).toEqual(
        mail.files.filter((f) => skippedUnder(inline, f)).map((f) => f.outName),
      );

      const message = result.documents[0]?.files[0] as ConvertedFile;
      expect(result.documents[0]?.part).toBe('');
      expect(message.role).toBe('message');
      if (format === 'msg') {
        expect(message.name.endsWith('.msg')).toBe(true);
        expect(message.contentType).toBe('application/vnd.ms-outlook');
      }

      if (attachments === 'embedded') {
        expect(result.documents).toHaveLength(1);
        expect(result.documents[0]?.files).toHaveLength(1);
        if (format === 'eml') {
          // The stored .eml is the spool file itself, byte for byte.
          expect(message.path).toBe(box.input.path);
          expect(readFileSync(message.path).equals(mail.raw)).toBe(true);
        }
        return;
      }

      checkLevel(mail, files, mail.files, [], format, inline, 0);
      if (attachments === 'documents') {
        expect(result.documents).toHaveLength(files.length);
        for (const doc of result.documents.slice(1)) {
          expect(doc.part).toMatch(/^att-\d+(\.\d+)*$/);
          expect(doc.files).toHaveLength(1);
          expect(doc.title).toBe(doc.files[0]?.name);
        }
      } else expect(result.documents).toHaveLength(1);

      // Independent decoding: mailparser's attachments hold the same bytes.
      if (!mail.malformed) {
        const original = await parsed(mail);
        const theirs = new Set(original.attachments.map((a) => sha256(a.content)));
        for (const file of files.filter(
          (f) => !f.within && (f.role === 'attachment' || f.role === 'calendar'),
        )) {
          expect({ file: file.name, found: theirs.has(file.sha256) }).toEqual({
            file: file.name,
            found: true,
          });
        }
      }

      if (format === 'msg') {
        // The .msg keeps what its body shows (inline images, skipped or not) or, for signed mail,
        // the signed entity; every other file is separated. Field by field: generated-msg.*.test.ts.
        const view = readWithMsgReader(readFileSync(message.path));
        expect(view.attachments.map((a) => a.fileName)).toEqual(
          mail.smime ? ['smime.p7m'] : mail.files.filter((f) => f.inlineImage).map((f) => f.outName),
        );
        return;
      }
      // The message file: as received when doubtful or signed, else the original without the
      // separated parts (only inline images the body shows stay).
      const removable = mail.files.some((f) => !f.inlineImage);
      if (mail.structural || mail.smime || !removable) {
        expect(message.path).toBe(box.input.path);
      } else {
        expect(isInside(box.workDir, message.path)).toBe(true);
        const original = await parsed(mail);
        const cut = await simpleParser(readFileSync(message.path));
        expect(cut.subject).toBe(original.subject);
        expect(cut.text ?? '').toBe(original.text ?? '');
        expect(
          cut.attachments.every(
            (a) => a.cid && mail.files.some((f) => f.inlineImage && sha256(f.data) === sha256(a.content)),
          ),
        ).toBe(true);
      }
    } finally {
      box.cleanup();
    }
  });
});

describe('generated corpus', () => {
  it('is deterministic for its seed', () => {
    expect(generateMails(SEED).map((m) => sha256(m.raw))).toEqual(mails.map((m) => sha256(m.raw)));
    expect(mails.length).toBeGreaterThanOrEqual(60);
  });
});

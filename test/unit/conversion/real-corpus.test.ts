import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertMessage } from '../../../src/conversion/convert-message';
import { PostroomError } from '../../../src/errors/postroom-error';
import { generateSampleMessages } from '../../../src/simulators/graph';
import {
  allFiles,
  checkRecordedHashes,
  filesUnder,
  isInside,
  optionsFor,
  sandbox,
} from '../../helpers/conversion';
import { CORPUS_DIR, corpusAvailable, corpusMessages } from '../../helpers/corpus';
import { nameProblems } from '../../helpers/name-rules';

/**
 * The whole real-world corpus (mail-gem, MimeKit messages, DKIM, S/MIME, partial, TNEF messages
 * and every message of the mbox files) plus the Graph simulator's sample mail, through
 * convertMessage in every attachments mode: no crash, every message gives a result (or a
 * PostroomError), files stay in the work directory, names follow the rules.
 */

/**
 * Splits an mbox file at its From_ lines. A From_ line names a sender ("From -", "From a@b") or
 * carries a time of day; a body line that merely starts with "From " ("From Russia with love")
 * does not split. Messages delimited by Content-Length need not have a blank line before it.
 */
export function splitMbox(data: Buffer): Buffer[] {
  const text = data.toString('latin1');
  const starts: number[] = [];
  const re = /(^(?:\u00ef\u00bb\u00bf)?|\n)From (?:-|\S*@\S*|\S+ [^\n]*\d\d:\d\d)[^\n]*\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + (m[1] ?? '').length);
  return starts.map((start, i) => {
    const from = text.indexOf('\n', start) + 1;
    return data.subarray(from, i + 1 < starts.length ? (starts[i + 1] as number) : data.length);
  });
}

interface Sample {
  name: string;
  raw: Buffer;
}

function samples(): Sample[] {
  const out: Sample[] = [];
  if (corpusAvailable()) {
    for (const m of corpusMessages()) out.push({ name: m.name, raw: readFileSync(m.path) });
    const tnef = join(CORPUS_DIR, 'mimekit/tnef');
    for (const f of readdirSync(tnef).filter((f) => f.endsWith('.eml')))
      out.push({ name: `mimekit/tnef/${f}`, raw: readFileSync(join(tnef, f)) });
    const mbox = join(CORPUS_DIR, 'mimekit/mbox');
    for (const f of readdirSync(mbox).filter((f) => f.endsWith('.mbox.txt'))) {
      splitMbox(readFileSync(join(mbox, f))).forEach((raw, i) =>
        out.push({ name: `mimekit/mbox/${f}#${i + 1}`, raw }),
      );
    }
  }
  generateSampleMessages({ count: 36, seed: 4242 }).forEach((raw, i) =>
    out.push({ name: `simulator-sample-${i + 1}`, raw }),
  );
  return out;
}

const all = samples();
const tally: Record<string, { results: number; postroomErrors: number; malformed: number; files: number }> =
  {};

afterAll(() => {
  console.info(`conversion of the real corpus (${all.length} messages):\n${JSON.stringify(tally, null, 1)}`);
});

describe.each(['embedded', 'separate', 'documents'] as const)(
  'real corpus, attachments %s',
  (attachments) => {
    it('converts every message', async () => {
      const counts = { results: 0, postroomErrors: 0, malformed: 0, files: 0 };
      tally[attachments] = counts;
      const failures: string[] = [];
      for (const sample of all) {
        const box = sandbox(sample.raw, 'corpus');
        try {
          const result = await convertMessage(
            box.input,
            box.workDir,
            optionsFor('eml', attachments, 'skip-images'),
          );
          counts.results++;
          if (result.flags.malformed.length > 0) counts.malformed++;
          const files = allFiles(result);
          counts.files += files.length - 1;
          const problems = [
            ...files.flatMap((f) => nameProblems(f.name).map((p) => `${f.name}: ${p}`)),
            ...checkRecordedHashes(result).map((n) => `${n}: size or hash wrong`),
            ...filesUnder(box.root)
              .filter((p) => p !== box.input.path && !isInside(box.workDir, p))
              .map((p) => `${p}: outside the work directory`),
            ...result.flags.malformed.filter((m) => m.startsWith('conversion failed')),
          ];
          if (attachments === 'embedded') {
            const stored = files[0];
            if (stored?.path !== box.input.path || !readFileSync(stored.path).equals(sample.raw))
              problems.push('embedded .eml is not the spool file');
          }
          if (problems.length > 0) failures.push(`${sample.name}: ${problems.join('; ')}`);
        } catch (err) {
          if (err instanceof PostroomError) counts.postroomErrors++;
          else failures.push(`${sample.name}: threw ${(err as Error).stack}`);
        } finally {
          box.cleanup();
        }
      }
      expect(failures).toEqual([]);
      expect(counts.results + counts.postroomErrors).toBe(all.length);
    });
  },
);

describe('splitMbox', () => {
  it('splits at From_ lines, not at body lines that start with "From "', () => {
    const parts = splitMbox(
      Buffer.from(
        'From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\n\nFrom here on\n\nFrom c@d Tue Jan  2 10:00:00 2024\nSubject: 2\n\nx\n',
      ),
    );
    expect(parts.map((p) => p.toString())).toEqual(['Subject: 1\n\nFrom here on\n\n', 'Subject: 2\n\nx\n']);
  });
});

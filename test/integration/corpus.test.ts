import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { corpusAvailable, corpusMessages } from '../helpers/corpus';
import { listDocuments, messageFilePath } from '../helpers/documents';
import { Harness, MAILBOX } from '../helpers/harness';

const FOLDER = 'Inbox/Corpus';
const describeCorpus = corpusAvailable() ? describe : describe.skip;
/** The option combinations besides the default (eml, embedded), each run as its own source. */
const COMBINATIONS = [
  ['eml', 'separate'],
  ['eml', 'documents'],
  ['msg', 'embedded'],
  ['msg', 'separate'],
  ['msg', 'documents'],
] as const;

describeCorpus('real-world corpus through Graph into documents', () => {
  const harness = new Harness({
    sources: [
      { id: 'corpus', folder: FOLDER, pageSize: 50 },
      ...COMBINATIONS.map(([format, attachments]) => ({
        id: `corpus-${format}-${attachments}`,
        folder: FOLDER,
        pageSize: 50,
        extra: `format: ${format}\nattachments: ${attachments}`,
      })),
    ],
  });
  let files: Array<{ name: string; path: string; sha256: string; immutableId: string }> = [];

  beforeAll(async () => {
    await harness.start();
    harness.sim.addMailbox(MAILBOX);
    harness.sim.ensureFolder(MAILBOX, FOLDER);
    files = corpusMessages().map((file) => {
      const raw = readFileSync(file.path);
      const { immutableId } = harness.sim.addMessage(MAILBOX, FOLDER, raw);
      return { ...file, sha256: createHash('sha256').update(raw).digest('hex'), immutableId };
    });
  });
  afterAll(() => harness.stop());

  it('files every message as a document whose .eml is byte-identical to the original file', async () => {
    expect(files.length).toBeGreaterThan(100);
    await harness.poll('corpus');
    await harness.drain(120_000);

    const documents = new Map(listDocuments(harness.documentsRoot).map((d) => [d.metadata.messageId, d]));
    const deadLetters = await harness.service.runtime.queues['dead-letter'].getJobs(['waiting']);
    const problems: string[] = [];
    for (const file of files) {
      const doc = documents.get(file.immutableId);
      if (!doc) {
        const letter = deadLetters.find((j) => j.data.messageId === file.immutableId);
        problems.push(`${file.name}: ${letter ? `dead-lettered: ${letter.data.error}` : 'lost'}`);
        continue;
      }
      const bytes = readFileSync(messageFilePath(doc));
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== file.sha256) problems.push(`${file.name}: bytes differ`);
      if (doc.metadata.files[0]?.sha256 !== file.sha256)
        problems.push(`${file.name}: metadata sha256 differs`);
    }
    expect(problems).toEqual([]);
    expect(documents.size).toBe(files.length);
  });

  it('imports or dead-letters (with a reason) every message under every other option combination', async () => {
    const counts: Record<string, { documents: number; files: number; deadLettered: number; lost: number }> =
      {};
    for (const [format, attachments] of COMBINATIONS) {
      const id = `corpus-${format}-${attachments}`;
      await harness.poll(id);
    }
    await harness.drain(300_000);
    const all = listDocuments(harness.documentsRoot);
    const deadLetters = await harness.service.runtime.queues['dead-letter'].getJobs(['waiting']);
    const problems: string[] = [];
    for (const [format, attachments] of COMBINATIONS) {
      const id = `corpus-${format}-${attachments}`;
      const mine = all.filter((d) => d.metadata.sourceId === id);
      const messageDocs = new Map(mine.filter((d) => !d.metadata.part).map((d) => [d.metadata.messageId, d]));
      const letters = deadLetters.filter((j) => j.data.sourceId === id);
      const row = { documents: mine.length, files: 0, deadLettered: letters.length, lost: 0 };
      for (const doc of mine) row.files += doc.metadata.files.length;
      for (const file of files) {
        const doc = messageDocs.get(file.immutableId);
        if (doc) {
          const name = doc.metadata.files[0]?.name ?? '';
          if (!name.endsWith(`.${format}`)) problems.push(`${id} ${file.name}: message file ${name}`);
          continue;
        }
        const letter = letters.find((j) => j.data.messageId === file.immutableId);
        if (!letter) {
          row.lost++;
          problems.push(`${id} ${file.name}: lost`);
        } else if (!letter.data.error) problems.push(`${id} ${file.name}: dead letter without a reason`);
      }
      counts[`${format}/${attachments}`] = row;
    }
    console.log(`corpus of ${files.length} messages per option combination: ${JSON.stringify(counts)}`);
    expect(problems).toEqual([]);
    // The worker never crashed: every job ended in a document or a dead letter recorded by the processor.
    expect(harness.logs.filter((l) => l.includes('"stage":"worker"'))).toEqual([]);
  });
});

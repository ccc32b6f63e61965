import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { corpusAvailable, corpusMessages } from '../helpers/corpus';
import { listDocuments, messageFilePath } from '../helpers/documents';
import { Harness, MAILBOX } from '../helpers/harness';

const FOLDER = 'Inbox/Corpus';
const describeCorpus = corpusAvailable() ? describe : describe.skip;

describeCorpus('real-world corpus through Graph into documents', () => {
  const harness = new Harness({ sources: [{ id: 'corpus', folder: FOLDER, pageSize: 50 }] });
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
});

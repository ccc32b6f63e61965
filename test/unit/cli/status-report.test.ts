import { sourceOfIngestJob } from '../../../src/cli/status-report';
import { formatTable } from '../../../src/cli/table';
import { ingestJobId } from '../../../src/queues/queues';

describe('status report helpers', () => {
  it('tells the source of an ingest job from its id, even when one source id prefixes another', () => {
    expect(sourceOfIngestJob(ingestJobId('a', 'AAMkAD/x+y='))).toBe('a');
    expect(sourceOfIngestJob(ingestJobId('a-b', 'AAMkAD/x+y='))).toBe('a-b');
    expect(sourceOfIngestJob(ingestJobId('a-0123', 'id'))).toBe('a-0123');
    expect(sourceOfIngestJob('poll-a')).toBeUndefined();
  });

  it('lays out columns two spaces apart', () => {
    expect(
      formatTable(
        ['A', 'LONG'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ),
    ).toBe('A    LONG\nxyz  1\nq    22');
  });
});

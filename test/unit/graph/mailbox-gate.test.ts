import { MailboxGate } from '../../../src/sources/graph/mailbox-gate';

describe('MailboxGate', () => {
  it('never lets more than the limit run at once', async () => {
    const gate = new MailboxGate(4);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        gate.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(peak).toBe(4);
    expect(gate.inFlight).toBe(0);
  });

  it('holds every request back until a pause has passed', async () => {
    const gate = new MailboxGate(4);
    const until = Date.now() + 150;
    gate.pauseUntil(until);
    const startedAt = await gate.run(async () => Date.now());
    expect(startedAt).toBeGreaterThanOrEqual(until);
  });

  it('releases its slot when the task throws', async () => {
    const gate = new MailboxGate(1);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});

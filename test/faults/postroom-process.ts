import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

const CLI = join(__dirname, '../../bin/postroom.js');

/** A postroom process (`worker` or `scheduler`) whose output goes to a log file. */
export class PostroomProcess {
  child: ChildProcess | null = null;
  starts = 0;

  constructor(
    readonly role: 'worker' | 'scheduler',
    readonly index: number,
    private readonly configFile: string,
    private readonly logDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): void {
    this.starts++;
    const log = createWriteStream(join(this.logDir, `${this.role}-${this.index}-${this.starts}.log`));
    this.child = spawn(process.execPath, [CLI, this.role, '--config', this.configFile], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
  }

  /** SIGKILL: no shutdown handler runs, jobs in hand are left to BullMQ's stalled-job recovery. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { listDocuments } from '../helpers/documents';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';
import { spawnCli } from '../helpers/spawn-cli';
import { tempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

const REPO = join(__dirname, '../..');
/** The demo app's client secret in config/postroom.yaml and config/sources/demo.yaml. */
const DEMO_SECRET = 'demo-secret-for-the-simulator-only';

describe('postroom CLI', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('cli');
  });
  afterEach(() => dir.cleanup());

  /** The bundled configuration, moved to a temp dir with its own port, Redis prefix and data. */
  function bundledConfig(overrides: { redisUrl?: string; prefix: string; port: number }): string {
    mkdirSync(join(dir.path, 'sources'));
    const service = readFileSync(join(REPO, 'config/postroom.yaml'), 'utf8')
      .replace('redis://127.0.0.1:6379', overrides.redisUrl ?? TEST_REDIS_URL)
      .replace('queuePrefix: postroom', `queuePrefix: ${overrides.prefix}`)
      .replace('port: 48620', `port: ${overrides.port}`)
      .replace('port: 9464', 'port: 0')
      .replace(/\.\/data/g, join(dir.path, 'data'));
    writeFileSync(join(dir.path, 'postroom.yaml'), service);
    const source = readFileSync(join(REPO, 'config/sources/demo.yaml'), 'utf8').replace(
      /48620/g,
      String(overrides.port),
    );
    writeFileSync(join(dir.path, 'sources/demo.yaml'), source);
    return join(dir.path, 'postroom.yaml');
  }

  it('validate names the file and field of a bad source definition', async () => {
    const config = bundledConfig({ prefix: 'unused', port: 1 });
    copyFileSync(join(REPO, 'config/sources/demo.yaml'), join(dir.path, 'sources/broken.yaml'));
    const broken = readFileSync(join(dir.path, 'sources/broken.yaml'), 'utf8')
      .replace('id: demo', 'id: broken')
      .replace(/tenantId: .*/, 'tenantId: 7f3c2a10-0000-4000-8000')
      .replace("schedule: '*/1 * * * *'", "schedule: '*/1 * * *'");
    writeFileSync(join(dir.path, 'sources/broken.yaml'), broken);
    const run = spawnCli(['validate', '--config', config]);
    expect(await run.exited).toBe(1);
    const err = run.stderr.join('\n');
    expect(err).toContain('broken.yaml: tenantId: must be a GUID');
    expect(err).toContain('broken.yaml: schedule: is not a valid cron expression');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('validate accepts the bundled configuration, found through POSTROOM_CONFIG', async () => {
    const run = spawnCli(['validate'], { POSTROOM_CONFIG: join(REPO, 'config/postroom.yaml') });
    expect(await run.exited).toBe(0);
    expect(run.stdout.join('\n')).toContain('1 source(s): demo');
  });

  it('prints the WinSW service configuration for a Windows install', async () => {
    const run = spawnCli([
      '--config',
      'C:\\ProgramData\\postroom\\postroom.yaml',
      'winsw-xml',
      '--install-dir',
      'C:\\Program Files\\postroom',
      '--data-dir',
      'C:\\ProgramData\\postroom',
      '--log-dir',
      'C:\\ProgramData\\postroom\\logs',
      '--node',
      'C:\\Program Files\\nodejs\\node.exe',
    ]);
    expect(await run.exited).toBe(0);
    const xml = run.stdout.join('\n');
    expect(xml).toContain('<executable>C:\\Program Files\\nodejs\\node.exe</executable>');
    expect(xml).toContain('run --config C:\\ProgramData\\postroom\\postroom.yaml</arguments>');
  });

  it('exits with one clear line when Redis is unreachable', async () => {
    const config = bundledConfig({ redisUrl: 'redis://127.0.0.1:1', prefix: 'unused', port: 1 });
    const run = spawnCli(['run', '--config', config]);
    expect(await run.exited).toBe(1);
    const lines = run.stderr.filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^postroom: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)\./);
    expect(lines[0]).toContain('docker compose up -d redis');
  });

  it('the quick start imports the demo mailbox, stops cleanly on SIGTERM and imports nothing twice after a restart', async () => {
    const prefix = uniquePrefix();
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const config = bundledConfig({ prefix, port });
    const run = spawnCli(['--config', config]);
    let restarted: ReturnType<typeof spawnCli> | undefined;
    try {
      await waitFor(
        () =>
          run.stdout.filter((l) => l.includes('"audit":"imported"')).length >= 36 ||
          run.child.exitCode !== null,
        {
          timeoutMs: 60_000,
          what: '36 imported messages',
        },
      );
      expect(run.stdout.filter((l) => l.includes('"audit":"imported"'))).toHaveLength(36);
      expect(listDocuments(join(dir.path, 'data/documents'))).toHaveLength(36);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.stdout.some((l) => l.includes('"postroom stopped"'))).toBe(true);

      // The same JSON lines went to the day's log file, and no output anywhere holds the secret.
      const logDir = join(dir.path, 'data/logs');
      const logFiles = readdirSync(logDir).filter((f) => /^postroom-\d{4}-\d{2}-\d{2}\.log$/.test(f));
      expect(logFiles).toHaveLength(1);
      const fileLines = readFileSync(join(logDir, logFiles[0]!), 'utf8').split('\n').filter(Boolean);
      expect(fileLines.filter((l) => l.includes('"audit":"imported"'))).toHaveLength(36);
      expect(fileLines.at(-1)).toContain('"postroom stopped"');
      const everything = [...run.stdout, ...run.stderr, ...fileLines].join('\n');
      expect(everything).not.toContain(DEMO_SECRET);

      // A restart serves the same demo mailbox again: nothing is imported twice.
      const again = spawnCli(['--config', config]);
      restarted = again;
      await waitFor(
        () => again.stdout.some((l) => l.includes('"poll finished"')) || again.child.exitCode !== null,
        {
          timeoutMs: 60_000,
          what: 'the first poll after a restart',
        },
      );
      const poll = JSON.parse(again.stdout.find((l) => l.includes('"poll finished"'))!);
      expect(poll).toMatchObject({ enqueued: 0, alreadyDone: 36 });
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
      expect(listDocuments(join(dir.path, 'data/documents'))).toHaveLength(36);
    } finally {
      run.child.kill('SIGKILL');
      restarted?.child.kill('SIGKILL');
      const redis = new Redis(TEST_REDIS_URL);
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir';

const SCRIPTS = join(__dirname, '../../service-install/linux');
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

function run(script: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  const result = spawnSync('bash', [join(SCRIPTS, script), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0)
    throw new Error(`${script} failed (${result.status}): ${result.stderr}${result.stdout}`);
  return result.stdout;
}

const describeLinux = process.platform === 'linux' ? describe : describe.skip;

describeLinux('Linux service install (staged with DESTDIR)', () => {
  const dir = tempDir('install');
  const env = { DESTDIR: dir.path, POSTROOM_NPM_OFFLINE: '1' };
  afterAll(() => dir.cleanup());

  it('installs code, configuration, a 0600 secrets file and the unit; the installed CLI runs', () => {
    run('install.sh', env);
    const etc = join(dir.path, 'etc/postroom');
    expect(statSync(join(etc, 'postroom.env')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(etc, 'examples/exchange-online.yaml'))).toBe(true);
    expect(existsSync(join(dir.path, 'etc/systemd/system/postroom.service'))).toBe(true);
    const validate = spawnSync(
      process.execPath,
      [join(dir.path, 'opt/postroom/bin/postroom.js'), 'validate', '--config', join(etc, 'postroom.yaml')],
      { encoding: 'utf8' },
    );
    expect(validate.stderr).toBe('');
    expect(validate.stdout).toContain('is valid: 0 source(s)');
  });

  it('keeps edited configuration and secrets when run again', () => {
    const config = join(dir.path, 'etc/postroom/postroom.yaml');
    const secrets = join(dir.path, 'etc/postroom/postroom.env');
    writeFileSync(config, readFileSync(config, 'utf8') + '# edited by the admin\n');
    writeFileSync(secrets, 'POSTROOM_SECRET=keep-me\n');
    run('install.sh', env);
    expect(readFileSync(config, 'utf8')).toContain('# edited by the admin');
    expect(readFileSync(secrets, 'utf8')).toBe('POSTROOM_SECRET=keep-me\n');
  });

  (hasSystemdAnalyze ? it : it.skip)('installs a unit that systemd-analyze verifies without a word', () => {
    const result = spawnSync(
      'systemd-analyze',
      ['verify', join(dir.path, 'etc/systemd/system/postroom.service')],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('uninstalls the code and, with --purge, everything else', () => {
    run('uninstall.sh', env);
    expect(existsSync(join(dir.path, 'opt/postroom'))).toBe(false);
    expect(existsSync(join(dir.path, 'etc/systemd/system/postroom.service'))).toBe(false);
    expect(existsSync(join(dir.path, 'etc/postroom/postroom.yaml'))).toBe(true);
    run('uninstall.sh', env, ['--purge']);
    expect(existsSync(join(dir.path, 'etc/postroom'))).toBe(false);
    expect(existsSync(join(dir.path, 'var/lib/postroom'))).toBe(false);
  });
});

if (!hasSystemdAnalyze) console.warn('SKIPPED: systemd-analyze is not installed; the unit is not verified');

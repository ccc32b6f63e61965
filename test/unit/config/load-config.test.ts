import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load-config';
import { PostroomError } from '../../../src/errors/postroom-error';
import { tempDir } from '../../helpers/temp-dir';

const SERVICE = `
redis:
  url: redis://127.0.0.1:6379
backends:
  documents:
    type: folder
    root: ./data/documents
`;

const VALID_SOURCE = `
id: invoices
tenantId: 11111111-2222-4333-8444-555555555555
clientId: 66666666-7777-4888-8999-000000000000
clientSecret: \${env:POSTROOM_TEST_SECRET}
mailbox: invoices@contoso.com
folder: Inbox/Invoices
backend: documents
`;

describe('loadConfig', () => {
  let dir: ReturnType<typeof tempDir>;
  const configFile = () => join(dir.path, 'postroom.yaml');
  const writeSource = (name: string, text: string) => writeFileSync(join(dir.path, 'sources', name), text);

  beforeEach(() => {
    dir = tempDir('config');
    mkdirSync(join(dir.path, 'sources'));
    writeFileSync(configFile(), SERVICE);
    process.env.POSTROOM_TEST_SECRET = 'a-very-secret-value';
  });
  afterEach(() => dir.cleanup());

  function problemsOf(): string {
    try {
      loadConfig(configFile());
    } catch (err) {
      expect(err).toBeInstanceOf(PostroomError);
      expect((err as PostroomError).code).toBe('CONFIG_INVALID');
      return (err as Error).message;
    }
    throw new Error('configuration was accepted');
  }

  it('loads a valid source with defaults and resolves an env secret', () => {
    writeSource('invoices.yaml', VALID_SOURCE);
    const config = loadConfig(configFile());
    expect(config.sources).toHaveLength(1);
    const source = config.sources[0]!;
    expect(source.definition.schedule).toBe('*/5 * * * *');
    expect(source.definition.cloud).toBe('global');
    expect(source.authorityHost).toBe('https://login.microsoftonline.com');
    expect(source.graphEndpoint).toBe('https://graph.microsoft.com');
    expect(source.credential.kind).toBe('secret');
    if (source.credential.kind === 'secret')
      expect(source.credential.secret.reveal()).toBe('a-very-secret-value');
    expect(JSON.stringify(source)).not.toContain('a-very-secret-value');
  });

  it('picks national cloud endpoints', () => {
    writeSource('gov.yaml', VALID_SOURCE + 'cloud: usgov-dod\n');
    const source = loadConfig(configFile()).sources[0]!;
    expect(source.authorityHost).toBe('https://login.microsoftonline.us');
    expect(source.graphEndpoint).toBe('https://dod-graph.microsoft.us');
  });

  it('reads a secret from a file', () => {
    const secretFile = join(dir.path, 'secret.txt');
    writeFileSync(secretFile, 'file-held-secret\n');
    writeSource(
      'invoices.yaml',
      VALID_SOURCE.replace('${env:POSTROOM_TEST_SECRET}', `\${file:${secretFile}}`),
    );
    const source = loadConfig(configFile()).sources[0]!;
    expect(source.credential.kind === 'secret' && source.credential.secret.reveal()).toBe('file-held-secret');
  });

  it.each([
    ['an unknown key', VALID_SOURCE + 'colour: blue\n', 'bad.yaml: colour: is not a known setting'],
    [
      'a bad cron',
      VALID_SOURCE + "schedule: '61 * * * *'\n",
      'bad.yaml: schedule: is not a valid cron expression',
    ],
    [
      'a malformed GUID',
      VALID_SOURCE.replace('66666666-7777-4888-8999-000000000000', '6666-7777'),
      'bad.yaml: clientId: must be a GUID',
    ],
    [
      'a missing field',
      VALID_SOURCE.replace('mailbox: invoices@contoso.com\n', ''),
      'bad.yaml: mailbox: is required',
    ],
    [
      'no credential',
      VALID_SOURCE.replace(/clientSecret:.*\n/, ''),
      'bad.yaml: clientSecret: one of clientSecret or clientCertificate',
    ],
    [
      'a multi-tenant alias',
      VALID_SOURCE.replace(/tenantId:.*\n/, 'tenantId: common\n'),
      'bad.yaml: tenantId: "common" is not allowed',
    ],
    [
      'an unknown backend',
      VALID_SOURCE.replace('backend: documents', 'backend: mfiles'),
      'bad.yaml: backend: "mfiles" is not defined',
    ],
    [
      'plain http to a remote host',
      VALID_SOURCE + 'graphEndpoint: http://graph.example.com\n',
      'bad.yaml: graphEndpoint: must use https://',
    ],
    [
      'an unset env secret',
      VALID_SOURCE.replace('POSTROOM_TEST_SECRET', 'POSTROOM_UNSET_VAR'),
      'bad.yaml: clientSecret: environment variable POSTROOM_UNSET_VAR is not set',
    ],
    ['broken YAML', 'id: [unclosed\n', 'bad.yaml:'],
  ])('rejects %s, naming the file and field', (_label, text, expected) => {
    writeSource('bad.yaml', text);
    expect(problemsOf()).toContain(expected);
  });

  it('rejects duplicate source ids', () => {
    writeSource('a.yaml', VALID_SOURCE);
    writeSource('b.yaml', VALID_SOURCE);
    expect(problemsOf()).toContain('b.yaml: id: "invoices" is already used by');
  });

  it('names the service file and nested field', () => {
    writeFileSync(configFile(), SERVICE + 'workers:\n  ingestConcurrency: 0\n');
    expect(problemsOf()).toMatch(/postroom\.yaml: workers\.ingestConcurrency: /);
  });

  it('takes the Redis URL from POSTROOM_REDIS_URL when set', () => {
    process.env.POSTROOM_REDIS_URL = 'redis://redis:6379';
    try {
      expect(loadConfig(configFile()).service.redis.url).toBe('redis://redis:6379');
    } finally {
      delete process.env.POSTROOM_REDIS_URL;
    }
  });

  it('reports a missing configuration file plainly', () => {
    expect(() => loadConfig(join(dir.path, 'nope.yaml'))).toThrow(/does not exist/);
  });

  it('accepts the bundled default configuration', () => {
    const config = loadConfig(join(__dirname, '../../../config/postroom.yaml'));
    expect(config.sources.map((s) => s.definition.id)).toEqual(['demo']);
  });
});

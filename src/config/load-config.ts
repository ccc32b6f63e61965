import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { PostroomError } from '../errors/postroom-error';
import { loadClientCertificate, type ClientCertificate } from './certificate';
import { CLOUDS, type CloudName } from './clouds';
import {
  serviceSchema,
  sourceSchema,
  type BackendDefinition,
  type ServiceDefinition,
  type SourceDefinition,
} from './schema';
import { isSecretReference, resolveSecret, type Secret } from './secret';

export type Credential =
  { kind: 'secret'; secret: Secret } | { kind: 'certificate'; certificate: ClientCertificate };

/** A validated source definition with its secrets resolved and its endpoints decided. */
export interface Source {
  file: string;
  definition: SourceDefinition;
  credential: Credential;
  authorityHost: string;
  graphEndpoint: string;
}

/** A backend with its paths made absolute and defaults filled in. */
export type ResolvedBackend =
  | (Extract<BackendDefinition, { type: 'folder' }> & { root: string })
  | Exclude<BackendDefinition, { type: 'folder' }>;
type LogDefinition = ServiceDefinition['log'];
export type ResolvedService = Omit<ServiceDefinition, 'backends' | 'log'> & {
  backends: Record<string, ResolvedBackend>;
  log: LogDefinition & { files: LogDefinition['files'] & { dir: string } };
};

export interface Config {
  file: string;
  service: ResolvedService;
  sources: Source[];
}

export const DEFAULT_CONFIG_FILE = 'config/postroom.yaml';

/** Where the service configuration lives: --config, then POSTROOM_CONFIG, then the default. */
export function configPath(cliValue?: string): string {
  return resolve(cliValue ?? process.env.POSTROOM_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/** A path as a user would type it: relative to the working directory when it is below it. */
export function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => `${formatPath([...issue.path, key])}: is not a known setting`)
        .join('\n');
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return `${formatPath(issue.path)}: is required`;
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}

function readYaml(file: string, problems: string[]): unknown {
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) problems.push(`${display(file)}: ${err.message.split('\n')[0]}`);
    return undefined;
  }
  return doc.toJS() ?? {};
}

function parseWith<S extends z.ZodType>(
  schema: S,
  file: string,
  raw: unknown,
  problems: string[],
): z.infer<S> | null {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const line of issuesOf(result.error)) {
    for (const part of line.split('\n')) problems.push(`${display(file)}: ${part}`);
  }
  return null;
}

/** The app credential fields shared by sources and Graph-based backends (SharePoint). */
export interface AppCredentialFields {
  clientSecret?: string;
  clientCertificate?: string;
  cloud: CloudName;
  authorityHost?: string;
  graphEndpoint?: string;
}

/** Resolves the client secret or loads the certificate; `where` names the file or backend in errors. */
export function resolveCredential(fields: AppCredentialFields, where: string): Credential {
  return fields.clientSecret !== undefined
    ? { kind: 'secret', secret: resolveSecret(fields.clientSecret, `${where}: clientSecret`) }
    : {
        kind: 'certificate',
        certificate: loadClientCertificate(fields.clientCertificate!, `${where}: clientCertificate`),
      };
}

/** The cloud's Entra and Graph endpoints unless overridden, without trailing slashes. */
export function resolveEndpoints(fields: AppCredentialFields): {
  authorityHost: string;
  graphEndpoint: string;
} {
  const cloud = CLOUDS[fields.cloud];
  return {
    authorityHost: (fields.authorityHost ?? cloud.authorityHost).replace(/\/+$/, ''),
    graphEndpoint: (fields.graphEndpoint ?? cloud.graphEndpoint).replace(/\/+$/, ''),
  };
}

function resolveSource(file: string, definition: SourceDefinition, problems: string[]): Source | null {
  try {
    const credential = resolveCredential(definition, display(file));
    return {
      file,
      // The resolved value lives in `credential`; a literal secret must not linger in the definition.
      definition: {
        ...definition,
        clientSecret:
          definition.clientSecret === undefined ? undefined : redactLiteral(definition.clientSecret),
      },
      credential,
      ...resolveEndpoints(definition),
    };
  } catch (err) {
    problems.push((err as Error).message);
    return null;
  }
}

/** Keeps a `${env:…}` / `${file:…}` reference (useful in messages) and hides a literal. */
function redactLiteral(reference: string): string {
  return isSecretReference(reference) ? reference : '[redacted]';
}

/** Reads one source definition file; used at start-up and by tools that check a single file. */
export function loadSourceFile(
  file: string,
  backends: ReadonlySet<string>,
  problems: string[],
): Source | null {
  const raw = readYaml(file, problems);
  if (raw === undefined) return null;
  const definition = parseWith(sourceSchema, file, raw, problems);
  if (!definition) return null;
  if (!backends.has(definition.backend)) {
    problems.push(
      `${display(file)}: backend: "${definition.backend}" is not defined in the service configuration (known: ${[...backends].join(', ') || 'none'})`,
    );
    return null;
  }
  return resolveSource(file, definition, problems);
}

/**
 * Loads and validates the whole configuration once. Every problem found is reported together, each
 * naming its file and field, so a user fixes them in one pass.
 */
export function loadConfig(file: string): Config {
  if (!existsSync(file)) {
    throw new PostroomError(
      'CONFIG_NOT_FOUND',
      `configuration file ${display(file)} does not exist (set --config or POSTROOM_CONFIG)`,
    );
  }
  const problems: string[] = [];
  const raw = readYaml(file, problems) as { redis?: { url?: string } } | undefined;
  // Containers and service managers point at their Redis without editing the file.
  if (raw && process.env.POSTROOM_REDIS_URL)
    raw.redis = { ...raw.redis, url: process.env.POSTROOM_REDIS_URL };
  const parsed = parseWith(serviceSchema, file, raw, problems);
  if (!parsed) throw configError(problems);
  const service = withAbsolutePaths(parsed);

  const sources = loadSources(sourcesDirOf(file, service), new Set(Object.keys(service.backends)), problems);
  if (problems.length > 0) throw configError(problems);
  return { file, service, sources };
}

/** Where a configuration's source definition files live. */
export function sourcesDirOf(configFile: string, service: Pick<ServiceDefinition, 'sourcesDir'>): string {
  return resolve(dirname(configFile), service.sourcesDir);
}

/** The source definition files of a folder, in the order they are loaded. */
export function sourceFilesIn(sourcesDir: string): string[] {
  return existsSync(sourcesDir)
    ? readdirSync(sourcesDir)
        .filter((name) => /\.ya?ml$/i.test(name))
        .sort()
        .map((name) => join(sourcesDir, name))
    : [];
}

/** Loads every source definition of a folder; a bad file or a second use of an id adds a problem. */
export function loadSources(sourcesDir: string, backends: ReadonlySet<string>, problems: string[]): Source[] {
  const sources: Source[] = [];
  const seen = new Map<string, string>();
  for (const sourceFile of sourceFilesIn(sourcesDir)) {
    const source = loadSourceFile(sourceFile, backends, problems);
    if (!source) continue;
    const earlier = seen.get(source.definition.id);
    if (earlier) {
      problems.push(
        `${display(sourceFile)}: id: "${source.definition.id}" is already used by ${display(earlier)}`,
      );
      continue;
    }
    seen.set(source.definition.id, sourceFile);
    sources.push(source);
  }
  return sources;
}

/** Data paths are relative to the working directory, as the service unit and README set it. */
function withAbsolutePaths(service: ServiceDefinition): ResolvedService {
  const data = resolve(service.directories.data);
  return {
    ...service,
    directories: { spool: resolve(service.directories.spool), data },
    log: {
      ...service.log,
      files: { ...service.log.files, dir: resolve(service.log.files.dir ?? join(data, 'logs')) },
    },
    backends: Object.fromEntries(
      Object.entries(service.backends).map(([name, backend]) => [
        name,
        backend.type === 'folder'
          ? { ...backend, root: resolve(backend.root ?? join(data, 'documents')) }
          : backend,
      ]),
    ),
  };
}

function configError(problems: string[]): PostroomError {
  return new PostroomError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
}

import { openAsBlob } from 'node:fs';
import { resolveCredential, resolveEndpoints } from '../../config/load-config';
import { PostroomError } from '../../errors/postroom-error';
import type { Logger } from '../../observability/logger';
import { tokenProviderFor } from '../../sources/graph/token-provider';
import { deliveryKeyDigest } from '../delivery-key-digest';
import type {
  DeliveryKey,
  DocumentFile,
  DocumentRef,
  DocumentSink,
  DocumentToDeliver,
} from '../document-sink';
import { RefreshingList } from '../refreshing-list';
import { columnValues, type LibraryColumn } from './column-values';
import { documentFolderName, expandFolder, indexFilePath, safeFileName } from './document-paths';
import { DriveClient, encodePath } from './drive-client';
import { uploadLarge } from './large-upload';
import type { SharePointBackendDefinition } from './sharepoint-schema';

const SECONDS = 1000;
const INDEX_VERSION = 1;

interface DriveItemJson {
  id: string;
  name: string;
  size?: number;
}

/** What an index file says: the key it stands for and where that document is. */
interface IndexEntry {
  version: number;
  digest: string;
  folder: string;
  files: Array<{ name: string; id: string; size: number }>;
  deliveredAt: string;
}

const isStatus = (err: unknown, status: number): boolean =>
  err instanceof PostroomError && err.status === status;

/**
 * A SharePoint document library through Graph. Each document gets its own folder (receive time,
 * subject and a short key digest), so a multi-file document stays together; files are uploaded
 * with conflictBehavior=fail, which is the duplicate guard (409 = already there). Mapped properties
 * become column values of every file. Last, a small index file named after the key's digest is
 * written: it marks the document complete and lets `find` locate it from the key alone.
 */
class SharePointSink implements DocumentSink {
  readonly #client: DriveClient;
  #drive: Promise<string> | undefined;
  readonly #columns: RefreshingList<LibraryColumn>;

  constructor(
    readonly name: string,
    private readonly definition: SharePointBackendDefinition,
    private readonly logger: Logger,
  ) {
    const endpoints = resolveEndpoints(definition);
    this.#client = new DriveClient({
      graphEndpoint: endpoints.graphEndpoint,
      tokens: tokenProviderFor({
        tenantId: definition.tenantId,
        clientId: definition.clientId,
        credential: resolveCredential(definition, `backend ${name}`),
        ...endpoints,
      }),
      logger,
      attempts: definition.requestAttempts,
      maxRetryAfterMs: definition.maxRetryAfterSeconds * SECONDS,
      idleTimeoutMs: definition.idleTimeoutSeconds * SECONDS,
    });
    this.#columns = new RefreshingList(async () => {
      const driveId = await this.#driveId();
      return (await this.#client.json<{ value: LibraryColumn[] }>('GET', `/drives/${driveId}/list/columns`))
        .value;
    });
  }

  /** The library's drive id, looked up once: site by path, then the library by name. */
  #driveId(): Promise<string> {
    this.#drive ??= this.#lookUpDrive().catch((err: unknown) => {
      this.#drive = undefined;
      throw err;
    });
    return this.#drive;
  }

  async #lookUpDrive(): Promise<string> {
    const { site, library } = this.definition;
    const [hostname, path] = site.split(':') as [string, string];
    let siteId: string;
    try {
      const segments = path.split('/').filter((s) => s !== '');
      siteId = (await this.#client.json<{ id: string }>('GET', `/sites/${hostname}:/${encodePath(segments)}`))
        .id;
    } catch (err) {
      if (isStatus(err, 404))
        throw new PostroomError(
          'CONFIG_INVALID',
          `SharePoint backend ${this.name}: site ${site} does not exist`,
        );
      throw err;
    }
    const drives = await this.#client.json<{ value: Array<{ id: string; name: string }> }>(
      'GET',
      `/sites/${encodeURIComponent(siteId)}/drives`,
    );
    const drive = drives.value.find((d) => d.name.toLowerCase() === library.toLowerCase());
    if (!drive) {
      throw new PostroomError(
        'CONFIG_INVALID',
        `SharePoint backend ${this.name}: site ${site} has no document library "${library}" (it has: ${drives.value
          .map((d) => d.name)
          .join(', ')})`,
      );
    }
    return drive.id;
  }

  #itemPath(driveId: string, segments: string[]): string {
    return `/drives/${encodeURIComponent(driveId)}/root:/${encodePath(segments)}`;
  }

  async find(key: DeliveryKey): Promise<DocumentRef | null> {
    const driveId = await this.#driveId();
    let entry: IndexEntry;
    try {
      const bytes = await this.#client.download(
        `${this.#itemPath(driveId, indexFilePath(this.definition.indexFolder, key))}:/content`,
      );
      entry = JSON.parse(bytes.toString('utf8')) as IndexEntry;
    } catch (err) {
      if (isStatus(err, 404)) return null;
      if (err instanceof SyntaxError) return null;
      throw err;
    }
    return entry.digest === deliveryKeyDigest(key) ? { backend: this.name, ref: entry.folder } : null;
  }

  async deliver(document: DocumentToDeliver): Promise<DocumentRef> {
    const names = this.#fileNames(document);
    const existing = await this.find(document.key);
    if (existing) return existing;
    // Column values are checked before anything is uploaded: a mapping error leaves no trace.
    const fields = await columnValues(document, this.#columns, this.name);
    const driveId = await this.#driveId();
    const folder = [...expandFolder(this.definition.folder, document.key), documentFolderName(document)];

    const uploaded: IndexEntry['files'] = [];
    for (const [i, file] of document.files.entries()) {
      const item = await this.#upload(driveId, [...folder, names[i]!], file);
      if (Object.keys(fields).length > 0) {
        await this.#client.json(
          'PATCH',
          `/drives/${encodeURIComponent(driveId)}/items/${item.id}/listItem/fields`,
          fields,
        );
      }
      uploaded.push({ name: item.name, id: item.id, size: item.size ?? file.size });
    }
    await this.#writeIndex(driveId, document.key, folder.join('/'), uploaded);
    return { backend: this.name, ref: folder.join('/') };
  }

  /** SharePoint-safe, distinct file names; SharePoint compares names without regard to case. */
  #fileNames(document: DocumentToDeliver): string[] {
    if (document.files.length === 0)
      throw new PostroomError('DMS_REJECTED', `SharePoint backend ${this.name}: a document without files`);
    const names = document.files.map((f) => safeFileName(f.name));
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name.toLowerCase())) {
        throw new PostroomError(
          'DMS_REJECTED',
          `SharePoint backend ${this.name}: two files of one document would both be named "${name}"`,
        );
      }
      seen.add(name.toLowerCase());
    }
    return names;
  }

  /** Uploads one file with conflictBehavior=fail; a file already there (an earlier attempt) is kept. */
  async #upload(driveId: string, segments: string[], file: DocumentFile): Promise<DriveItemJson> {
    const itemPath = this.#itemPath(driveId, segments);
    try {
      if (file.size <= this.definition.simpleUploadLimitBytes) {
        return await this.#client.putContent<DriveItemJson>(
          `${itemPath}:/content?@microsoft.graph.conflictBehavior=fail`,
          await openAsBlob(file.path, { type: file.contentType }),
          file.contentType,
        );
      }
      return await uploadLarge<DriveItemJson>(
        this.#client,
        itemPath,
        file,
        this.definition.chunkBytes,
        this.logger,
      );
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
      const existing = await this.#client.json<DriveItemJson>('GET', itemPath);
      // The folder carries this key's digest, so a file in it came from an earlier attempt; one of
      // another size was changed by someone (or by a different conversion) and is left alone.
      if (existing.size !== file.size) {
        this.logger.warn(
          'a file of that name is already in the document folder with another size; kept as is',
          {
            file: segments.join('/'),
            existingSize: existing.size,
            size: file.size,
          },
        );
      }
      return existing;
    }
  }

  async #writeIndex(
    driveId: string,
    key: DeliveryKey,
    folder: string,
    files: IndexEntry['files'],
  ): Promise<void> {
    const entry: IndexEntry = {
      version: INDEX_VERSION,
      digest: deliveryKeyDigest(key),
      folder,
      files,
      deliveredAt: new Date().toISOString(),
    };
    const path = this.#itemPath(driveId, indexFilePath(this.definition.indexFolder, key));
    try {
      await this.#client.putContent(
        `${path}:/content?@microsoft.graph.conflictBehavior=fail`,
        new Blob([JSON.stringify(entry, null, 2)], { type: 'application/json' }),
        'application/json',
      );
    } catch (err) {
      // Another worker finished the same document first.
      if (!isStatus(err, 409)) throw err;
    }
  }
}

export function createSharePointSink(
  name: string,
  definition: SharePointBackendDefinition,
  deps: { logger: Logger },
): DocumentSink {
  return new SharePointSink(name, definition, deps.logger);
}

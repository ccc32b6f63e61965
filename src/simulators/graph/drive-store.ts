import { randomBytes, randomUUID } from 'node:crypto';
import { GraphError } from './errors';
import { graphDateTime } from './ids';

/** A library column, as /list/columns describes it; only the types postroom writes. */
export interface DriveColumn {
  name: string;
  displayName: string;
  type: 'text' | 'number' | 'boolean' | 'dateTime' | 'choice';
  choices?: string[];
  /** Single line of text takes 255 characters. */
  maxLength?: number;
  readOnly?: boolean;
}

export interface DriveItemRecord {
  id: string;
  name: string;
  parentId: string | null;
  isFolder: boolean;
  bytes?: Buffer;
  mimeType?: string;
  created: string;
  modified: string;
  eTagVersion: number;
  listItemId: number;
  /** listItem fields (column values); Title is a built-in column. */
  fields: Record<string, unknown>;
}

export interface DriveRecord {
  id: string;
  name: string;
  siteId: string;
  webUrl: string;
  root: DriveItemRecord;
  items: Map<string, DriveItemRecord>;
  columns: DriveColumn[];
  nextListItemId: number;
}

export interface SiteRecord {
  id: string;
  hostname: string;
  /** Server-relative path, e.g. /sites/Finance. */
  path: string;
  displayName: string;
  webUrl: string;
  drives: DriveRecord[];
}

/** Characters SharePoint refuses in file and folder names. */
const INVALID_NAME_CHARS = /["*:<>?/\\|]/;
const RESERVED_NAMES = /^(\.lock|con|prn|aux|nul|com\d|lpt\d|desktop\.ini|_vti_.*)$/i;

/** Columns every document library has. */
const BUILT_IN_COLUMNS: DriveColumn[] = [
  { name: 'Title', displayName: 'Title', type: 'text', maxLength: 255 },
  { name: 'FileLeafRef', displayName: 'Name', type: 'text', readOnly: true },
  { name: 'Created', displayName: 'Created', type: 'dateTime', readOnly: true },
  { name: 'Modified', displayName: 'Modified', type: 'dateTime', readOnly: true },
];

const itemId = (): string => `01${randomBytes(20).toString('base64url').toUpperCase().replace(/[-_]/g, 'Z')}`;

export function invalidName(name: string): boolean {
  return (
    name === '' ||
    INVALID_NAME_CHARS.test(name) ||
    RESERVED_NAMES.test(name) ||
    name !== name.trim() ||
    name.endsWith('.') ||
    name.startsWith('~$')
  );
}

/** SharePoint sites and their document libraries (drives): a tree of folders and files per drive. */
export class DriveStore {
  readonly sites: SiteRecord[] = [];
  readonly drives = new Map<string, DriveRecord>();

  addSite(hostname: string, path: string, displayName?: string): SiteRecord {
    const site: SiteRecord = {
      id: `${hostname.toLowerCase()},${randomUUID()},${randomUUID()}`,
      hostname: hostname.toLowerCase(),
      path: `/${path.replace(/^\/+|\/+$/g, '')}`,
      displayName: displayName ?? path.split('/').filter(Boolean).pop() ?? hostname,
      webUrl: `https://${hostname}/${path.replace(/^\/+|\/+$/g, '')}`,
      drives: [],
    };
    this.sites.push(site);
    return site;
  }

  addLibrary(siteId: string, name: string, columns: DriveColumn[] = []): DriveRecord {
    const site = this.sites.find((s) => s.id === siteId);
    if (!site) throw new Error(`drive store: no site ${siteId}`);
    const now = graphDateTime(new Date());
    const root: DriveItemRecord = {
      id: itemId(),
      name: 'root',
      parentId: null,
      isFolder: true,
      created: now,
      modified: now,
      eTagVersion: 1,
      listItemId: 0,
      fields: {},
    };
    const drive: DriveRecord = {
      id: `b!${randomBytes(48).toString('base64url')}`,
      name,
      siteId,
      webUrl: `${site.webUrl}/${encodeURIComponent(name)}`,
      root,
      items: new Map([[root.id, root]]),
      columns: [
        ...BUILT_IN_COLUMNS,
        ...columns.map((c) => ({ ...c, maxLength: c.type === 'text' ? (c.maxLength ?? 255) : undefined })),
      ],
      nextListItemId: 1,
    };
    site.drives.push(drive);
    this.drives.set(drive.id, drive);
    return drive;
  }

  siteByPath(hostname: string, path: string): SiteRecord | undefined {
    const wanted = `/${path.replace(/^\/+|\/+$/g, '')}`.toLowerCase();
    return this.sites.find((s) => s.hostname === hostname.toLowerCase() && s.path.toLowerCase() === wanted);
  }

  children(drive: DriveRecord, folder: DriveItemRecord): DriveItemRecord[] {
    return [...drive.items.values()].filter((i) => i.parentId === folder.id);
  }

  /** Names compare without regard to case, as in SharePoint. */
  child(drive: DriveRecord, folder: DriveItemRecord, name: string): DriveItemRecord | undefined {
    const lower = name.toLowerCase();
    return this.children(drive, folder).find((i) => i.name.toLowerCase() === lower);
  }

  resolve(drive: DriveRecord, from: DriveItemRecord, segments: string[]): DriveItemRecord | undefined {
    let item: DriveItemRecord | undefined = from;
    for (const segment of segments) {
      if (!item?.isFolder) return undefined;
      item = this.child(drive, item, segment);
    }
    return item;
  }

  /** Walks to a folder, creating missing ones: uploads by path create their parents. */
  ensureFolder(drive: DriveRecord, from: DriveItemRecord, segments: string[]): DriveItemRecord {
    let folder = from;
    for (const segment of segments) {
      const existing = this.child(drive, folder, segment);
      if (existing && !existing.isFolder)
        throw new GraphError(409, 'nameAlreadyExists', `A file named ${segment} is in the way.`);
      folder = existing ?? this.#add(drive, folder, segment, true);
    }
    return folder;
  }

  /** Creates a file; with conflictBehavior fail an existing name is a 409, with replace it is overwritten. */
  putFile(
    drive: DriveRecord,
    folder: DriveItemRecord,
    name: string,
    bytes: Buffer,
    conflictBehavior: string,
    mimeType = 'application/octet-stream',
  ): DriveItemRecord {
    const existing = this.child(drive, folder, name);
    if (existing && conflictBehavior !== 'replace') {
      if (conflictBehavior === 'rename')
        return this.putFile(drive, folder, renamed(name, this, drive, folder), bytes, 'fail', mimeType);
      throw new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
    }
    if (existing?.isFolder) throw new GraphError(409, 'nameAlreadyExists', 'A folder with this name exists.');
    const item = existing ?? this.#add(drive, folder, name, false);
    item.bytes = bytes;
    item.mimeType = mimeType;
    item.modified = graphDateTime(new Date());
    if (existing) item.eTagVersion++;
    return item;
  }

  /** Writes column values after checking each column exists, is writable and takes the value. */
  setFields(drive: DriveRecord, item: DriveItemRecord, values: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(values)) {
      if (name.startsWith('@odata')) continue;
      const column = drive.columns.find((c) => c.name === name);
      if (!column) throw new GraphError(400, 'invalidRequest', `Field '${name}' is not recognized`);
      if (column.readOnly) throw new GraphError(400, 'invalidRequest', `Field '${name}' is read-only`);
      if (value !== null && !fits(column, value))
        throw new GraphError(
          400,
          'invalidRequest',
          `The value for field '${name}' is not valid for a ${column.type} column.`,
        );
    }
    Object.assign(item.fields, values);
    item.eTagVersion++;
  }

  pathOf(drive: DriveRecord, item: DriveItemRecord): string {
    const names: string[] = [];
    for (
      let at: DriveItemRecord | undefined = item;
      at && at.parentId !== null;
      at = drive.items.get(at.parentId)
    )
      names.unshift(at.name);
    return names.join('/');
  }

  #add(drive: DriveRecord, parent: DriveItemRecord, name: string, isFolder: boolean): DriveItemRecord {
    if (invalidName(name))
      throw new GraphError(400, 'invalidRequest', `The provided name '${name}' is not valid.`);
    const now = graphDateTime(new Date());
    const item: DriveItemRecord = {
      id: itemId(),
      name,
      parentId: parent.id,
      isFolder,
      created: now,
      modified: now,
      eTagVersion: 1,
      listItemId: drive.nextListItemId++,
      fields: {},
    };
    drive.items.set(item.id, item);
    return item;
  }
}

function renamed(name: string, store: DriveStore, drive: DriveRecord, folder: DriveItemRecord): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem} ${n}${ext}`;
    if (!store.child(drive, folder, candidate)) return candidate;
  }
}

function fits(column: DriveColumn, value: unknown): boolean {
  switch (column.type) {
    case 'text':
      return typeof value === 'string' && value.length <= (column.maxLength ?? 255);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'dateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'choice':
      return typeof value === 'string' && (column.choices ?? []).includes(value);
  }
}

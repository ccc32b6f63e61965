import type { DriveItemRecord, DriveRecord, DriveStore, SiteRecord } from './drive-store';
import { GRAPH_JSON, type SimResponse } from './http-io';

export function jsonResponse(status: number, body: unknown): SimResponse {
  return { status, headers: { 'Content-Type': GRAPH_JSON }, json: body };
}

export function siteJson(base: string, site: SiteRecord): Record<string, unknown> {
  return {
    '@odata.context': `${base}/v1.0/$metadata#sites/$entity`,
    id: site.id,
    name: site.path.split('/').pop(),
    displayName: site.displayName,
    webUrl: site.webUrl,
    siteCollection: { hostname: site.hostname },
  };
}

export function driveJson(drive: DriveRecord): Record<string, unknown> {
  return {
    id: drive.id,
    name: drive.name,
    driveType: 'documentLibrary',
    webUrl: drive.webUrl,
    createdDateTime: drive.root.created,
  };
}

const eTag = (item: DriveItemRecord): string => `"{${item.id.slice(2, 10)}},${item.eTagVersion}"`;

export function driveItemJson(
  store: DriveStore,
  drive: DriveRecord,
  item: DriveItemRecord,
): Record<string, unknown> {
  const parent = item.parentId === null ? undefined : drive.items.get(item.parentId);
  const parentPath = parent ? store.pathOf(drive, parent) : undefined;
  const path = store.pathOf(drive, item);
  const out: Record<string, unknown> = {
    id: item.id,
    name: item.name,
    eTag: eTag(item),
    cTag: `"c:{${item.id.slice(2, 10)}},${item.eTagVersion}"`,
    createdDateTime: item.created,
    lastModifiedDateTime: item.modified,
    size: item.isFolder
      ? store.children(drive, item).reduce((sum, c) => sum + (c.bytes?.length ?? 0), 0)
      : (item.bytes?.length ?? 0),
    webUrl: `${drive.webUrl}${path ? `/${path.split('/').map(encodeURIComponent).join('/')}` : ''}`,
  };
  if (parent) {
    out.parentReference = {
      driveType: 'documentLibrary',
      driveId: drive.id,
      id: parent.id,
      path: `/drives/${drive.id}/root:${parentPath ? `/${parentPath}` : ''}`,
    };
  }
  if (item.isFolder) out.folder = { childCount: store.children(drive, item).length };
  else out.file = { mimeType: item.mimeType ?? 'application/octet-stream' };
  if (item.parentId === null) out.root = {};
  return out;
}

/** A listItem's fieldValueSet: built-in values plus whatever columns were written. */
export function fieldsJson(item: DriveItemRecord): Record<string, unknown> {
  return {
    '@odata.etag': eTag(item),
    id: String(item.listItemId),
    FileLeafRef: item.name,
    Created: item.created,
    Modified: item.modified,
    ContentType: item.isFolder ? 'Folder' : 'Document',
    ...(item.isFolder ? {} : { FileSizeDisplay: String(item.bytes?.length ?? 0) }),
    ...item.fields,
  };
}

export function columnJson(column: DriveRecord['columns'][number]): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  if (column.type === 'text') typed.text = { allowMultipleLines: false, maxLength: column.maxLength ?? 255 };
  if (column.type === 'number') typed.number = { decimalPlaces: 'automatic' };
  if (column.type === 'boolean') typed.boolean = {};
  if (column.type === 'dateTime') typed.dateTime = { format: 'dateTime' };
  if (column.type === 'choice')
    typed.choice = { allowTextEntry: false, choices: column.choices ?? [], displayAs: 'dropDownMenu' };
  return {
    id: column.name,
    name: column.name,
    displayName: column.displayName,
    readOnly: column.readOnly ?? false,
    hidden: false,
    ...typed,
  };
}

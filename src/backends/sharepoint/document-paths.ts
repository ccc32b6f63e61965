import { deliveryKeyDigest } from '../delivery-key-digest';
import type { DeliveryKey, DocumentToDeliver } from '../document-sink';

/** Characters SharePoint refuses in names, and control characters. */
// eslint-disable-next-line no-control-regex
const INVALID_CHARS = /["*:<>?/\\|\u0000-\u001f\u007f]/g;
/** Names SharePoint reserves. */
const RESERVED = /^(\.lock|con|prn|aux|nul|com\d|lpt\d|desktop\.ini|_vti_.*|forms)$/i;
/** Subject part of a folder name: long enough to recognise, short enough for the 400-character path limit. */
const MAX_LABEL_CHARS = 60;
/** A file name keeps at most this many characters (its extension included). */
const MAX_FILE_NAME_CHARS = 120;
/** Hex digits of the key digest in a folder name: unique per document in practice, short to read. */
const FOLDER_DIGEST_CHARS = 10;
/** …and in an index file's name, where it is all there is. */
const INDEX_DIGEST_CHARS = 40;

/** A name SharePoint accepts: invalid characters replaced, no leading/trailing spaces or dots. */
export function safeName(raw: string, max: number, fallback: string): string {
  let name = raw.replace(INVALID_CHARS, '_').replace(/\s+/g, ' ').trim();
  if (name.length > max) name = name.slice(0, max).trim();
  name = name.replace(/^~\$/, '_').replace(/[. ]+$/, '');
  if (name === '' || RESERVED.test(name)) name = `${fallback}${name ? `-${name}` : ''}`;
  return name;
}

/** A file name: the extension is kept when a long name is shortened. */
export function safeFileName(raw: string): string {
  const dot = raw.lastIndexOf('.');
  const ext = dot > 0 && raw.length - dot <= 10 ? raw.slice(dot) : '';
  const stem = safeName(ext ? raw.slice(0, dot) : raw, MAX_FILE_NAME_CHARS - ext.length, 'file');
  return `${stem}${safeName(ext, 10, '')}`;
}

function utcParts(iso: string): { yyyy: string; mm: string; dd: string; time: string } {
  const parsed = new Date(iso);
  const at = Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
  const [date, clock] = at.toISOString().split('T') as [string, string];
  const [yyyy, mm, dd] = date.split('-') as [string, string, string];
  return { yyyy, mm, dd, time: clock.slice(0, 8).replace(/:/g, '') };
}

/** Expands a folder template's placeholders from the key alone, so a key always maps to one path. */
export function expandFolder(template: string, key: DeliveryKey): string[] {
  const { yyyy, mm, dd } = utcParts(key.receivedDateTime);
  const values: Record<string, string> = { source: key.sourceId, yyyy, mm, dd };
  return template
    .split('/')
    .filter((s) => s !== '')
    .map((segment) =>
      safeName(
        segment.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? ''),
        128,
        'folder',
      ),
    );
}

/**
 * The document's own folder: receive time, subject (and, for an attachment document, the file),
 * and a short digest of the key. The same message always gets the same name; the digest keeps two
 * messages with the same subject and second apart.
 */
export function documentFolderName(document: DocumentToDeliver): string {
  const { key, metadata, files } = document;
  const { yyyy, mm, dd, time } = utcParts(key.receivedDateTime);
  const subject = metadata.subject?.trim() || '(no subject)';
  const label = key.part ? `${subject} - ${files[0]?.name ?? key.part}` : subject;
  const digest = deliveryKeyDigest(key).slice(0, FOLDER_DIGEST_CHARS);
  return `${yyyy}${mm}${dd}-${time} ${safeName(label, MAX_LABEL_CHARS, 'mail')} ${digest}`;
}

/** Where the index file of a key lives: derived from the key alone, so `find` needs nothing else. */
export function indexFilePath(indexTemplate: string, key: DeliveryKey): string[] {
  const { yyyy, mm } = utcParts(key.receivedDateTime);
  return [
    ...expandFolder(indexTemplate, key),
    safeName(key.sourceId, 64, 'source'),
    yyyy,
    mm,
    `${deliveryKeyDigest(key).slice(0, INDEX_DIGEST_CHARS)}.json`,
  ];
}

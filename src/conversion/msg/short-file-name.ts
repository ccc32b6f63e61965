/**
 * PidTagAttachFilename wants an 8.3 name; the real name goes to PidTagAttachLongFilename. Old clients
 * and some DMS importers still fall back to the short one, so it should at least be recognisable
 * (same start, same extension) and distinct between attachments of one message.
 */

const INVALID_83 = /[^A-Z0-9!#$%&'()@^_`{}~-]/g;

export function shortFileName(longName: string, index: number): string {
  const dot = longName.lastIndexOf('.');
  const base = dot > 0 ? longName.slice(0, dot) : longName;
  const ext = dot > 0 ? longName.slice(dot + 1) : '';
  const cleanBase = base.toUpperCase().replace(INVALID_83, '');
  const cleanExt = ext.toUpperCase().replace(INVALID_83, '').slice(0, 3);
  // 8.3 names are case-insensitive: "report.pdf" keeps its name, upper-cased.
  const fits =
    cleanBase.length > 0 &&
    cleanBase === base.toUpperCase() &&
    cleanBase.length <= 8 &&
    cleanExt === ext.toUpperCase();
  let shortBase: string;
  if (fits) {
    shortBase = cleanBase;
  } else {
    // "~N" with N unique within the message keeps short names of one message apart.
    const tail = `~${index + 1}`;
    shortBase = (cleanBase || 'ATTACH').slice(0, 8 - tail.length) + tail;
  }
  return cleanExt ? `${shortBase}.${cleanExt}` : shortBase;
}

/** PidTagAttachExtension: the extension with its dot (".pdf"), or undefined when there is none. */
export function fileExtension(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && dot < fileName.length - 1 ? fileName.slice(dot) : undefined;
}

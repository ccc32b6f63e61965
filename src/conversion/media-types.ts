/**
 * Media types and the file extensions that go with them: the fallback extension of an unnamed
 * part, and whether a name's extension fits the type its bytes turned out to be.
 * The first extension of each entry is the one added to names.
 */
const TYPE_EXTENSIONS: Record<string, string[]> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/gif': ['gif'],
  'image/tiff': ['tif', 'tiff'],
  'image/bmp': ['bmp', 'dib'],
  'image/webp': ['webp'],
  'image/heic': ['heic', 'heif'],
  'image/svg+xml': ['svg'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx', 'docm', 'dotx', 'dotm'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': [
    'xlsx',
    'xlsm',
    'xltx',
    'xltm',
    'xlam',
  ],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': [
    'pptx',
    'pptm',
    'potx',
    'potm',
    'ppsx',
    'ppsm',
  ],
  'application/vnd.ms-visio.drawing': ['vsdx', 'vsdm'],
  'application/msword': ['doc', 'dot', 'wiz'],
  'application/vnd.ms-excel': ['xls', 'xlt', 'xla', 'xlw'],
  'application/vnd.ms-powerpoint': ['ppt', 'pps', 'pot'],
  'application/vnd.ms-outlook': ['msg', 'oft'],
  'application/vnd.visio': ['vsd', 'vss', 'vst'],
  'application/vnd.oasis.opendocument.text': ['odt', 'ott'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods', 'ots'],
  'application/vnd.oasis.opendocument.presentation': ['odp', 'otp'],
  'application/vnd.oasis.opendocument.graphics': ['odg'],
  'application/epub+zip': ['epub'],
  'application/rtf': ['rtf'],
  'text/rtf': ['rtf'],
  'application/zip': ['zip'],
  'application/gzip': ['gz', 'tgz'],
  'application/x-7z-compressed': ['7z'],
  'application/vnd.rar': ['rar'],
  'application/ms-tnef': ['dat', 'tnef'],
  'application/pkcs7-signature': ['p7s'],
  'application/pkcs7-mime': ['p7m', 'p7c'],
  'application/xml': ['xml'],
  'application/json': ['json'],
  'audio/mpeg': ['mp3'],
  'audio/wav': ['wav'],
  'video/mp4': ['mp4', 'm4v', 'm4a'],
  'text/plain': ['txt', 'text', 'log'],
  'text/html': ['html', 'htm'],
  'text/csv': ['csv'],
  'text/xml': ['xml'],
  'text/calendar': ['ics', 'ical', 'vcs'],
  'text/vcard': ['vcf'],
  'text/x-vcard': ['vcf'],
  'text/rfc822-headers': ['txt'],
  'message/rfc822': ['eml'],
  'message/global': ['eml', 'u8msg'],
  'message/delivery-status': ['txt'],
  'message/disposition-notification': ['txt'],
  'message/feedback-report': ['txt'],
};

/** Compound files that are not told apart further: any of their extensions fits. */
const OLE_EXTENSIONS = [
  'doc',
  'dot',
  'xls',
  'xlt',
  'ppt',
  'pps',
  'msg',
  'oft',
  'vsd',
  'pub',
  'mpp',
  'msi',
  'db',
];

const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/tif': 'image/tiff',
  'image/x-ms-bmp': 'image/bmp',
  'application/x-pdf': 'application/pdf',
  'application/acrobat': 'application/pdf',
  'application/vnd.pdf': 'application/pdf',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'application/x-gzip': 'application/gzip',
  'application/x-rar-compressed': 'application/vnd.rar',
  'application/x-rtf': 'application/rtf',
  'text/rtf': 'application/rtf',
  'application/x-pkcs7-signature': 'application/pkcs7-signature',
  'application/x-pkcs7-mime': 'application/pkcs7-mime',
  'text/x-vcard': 'text/vcard',
  'application/x-msg': 'application/vnd.ms-outlook',
};

/** Types that say nothing about the content: the bytes decide. */
const GENERIC_TYPES = new Set([
  'application/octet-stream',
  'binary/octet-stream',
  'application/binary',
  'application/x-binary',
  'application/download',
  'application/x-download',
  'application/force-download',
  'application/unknown',
  'application/x-unknown',
  'application/data',
  'application/x-octet-stream',
  'unknown/unknown',
]);

export const OLE_STORAGE_TYPE = 'application/x-ole-storage';

export function canonicalType(type: string): string {
  const lower = type.toLowerCase();
  return ALIASES[lower] ?? lower;
}

export function isGenericType(type: string): boolean {
  return GENERIC_TYPES.has(type.toLowerCase()) || type === '';
}

/** Extensions that fit a type (first: the one to add); [] for unknown and generic types. */
export function extensionsFor(type: string): string[] {
  const canonical = canonicalType(type);
  if (canonical === OLE_STORAGE_TYPE) return OLE_EXTENSIONS;
  return TYPE_EXTENSIONS[canonical] ?? TYPE_EXTENSIONS[type.toLowerCase()] ?? [];
}

/** The type a file extension stands for, for parts declared only as application/octet-stream. */
export function typeForExtension(extension: string): string | undefined {
  const ext = extension.toLowerCase().replace(/^\./, '');
  if (!ext || ext === 'dat' || ext === 'bin') return undefined;
  for (const [type, exts] of Object.entries(TYPE_EXTENSIONS)) if (exts.includes(ext)) return type;
  return undefined;
}

/**
 * The file-name rules of conversion, checked independently of its code: what any name in a
 * ConvertedFile must satisfy on every target file system.
 */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

export function nameProblems(name: string): string[] {
  const problems: string[] = [];
  if (!name) problems.push('empty');
  if (name === '.' || name === '..') problems.push('dot name');
  if (/[/\\]/.test(name)) problems.push('path separator');
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) problems.push('control character');
  if (/[\u202a-\u202e\u2066-\u2069]/.test(name)) problems.push('bidi override');
  if (/[<>:"|?*]/.test(name)) problems.push('Windows-forbidden character');
  if (/[. ]$/.test(name)) problems.push('trailing dot or space');
  if (/^\s/.test(name)) problems.push('leading space');
  if (RESERVED.test(name.split('.')[0]?.trimEnd() ?? '')) problems.push('reserved device name');
  if (Buffer.byteLength(name, 'utf8') > 255) problems.push('longer than 255 bytes');
  if (name !== name.normalize('NFC')) problems.push('not NFC');
  if (/[\ud800-\udfff]/.test(name.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')))
    problems.push('lone surrogate');
  return problems;
}

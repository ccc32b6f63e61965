import { isAbsolute, relative, resolve, sep } from 'node:path';
import { PostroomError } from '../errors/postroom-error';

/**
 * The one way conversion turns a name into a path: the result must stay inside `dir`. File names
 * are sanitised before they get here, so a violation is a bug in conversion and fails the message
 * permanently rather than writing anywhere else.
 */
export function pathInside(dir: string, ...segments: string[]): string {
  const root = resolve(dir);
  for (const segment of segments) {
    if (!segment || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) {
      throw new PostroomError('CONVERSION_FAILED', `unsafe file name segment ${JSON.stringify(segment)}`);
    }
  }
  const target = resolve(root, ...segments);
  const rel = relative(root, target);
  if (!rel || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new PostroomError('CONVERSION_FAILED', `path ${JSON.stringify(target)} is outside ${root}`);
  }
  return target;
}

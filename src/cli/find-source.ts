import type { Config, Source } from '../config/load-config';
import { PostroomError } from '../errors/postroom-error';

/** The source a command names, enabled or not; an unknown id is an error listing the known ones. */
export function findSource(config: Config, id: string): Source {
  const source = config.sources.find((s) => s.definition.id === id);
  if (source) return source;
  const known = config.sources.map((s) => s.definition.id).join(', ') || 'none';
  throw new PostroomError('SOURCE_UNKNOWN', `source "${id}" is not configured (known: ${known})`);
}

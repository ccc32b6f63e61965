import type { Config } from '../config/load-config';
import { PostroomError } from '../errors/postroom-error';
import type { DocumentSink } from './document-sink';
import { FolderSink } from './folder/folder-sink';
import { createMFilesSink } from './mfiles/mfiles-sink';
import { createPaperlessSink } from './paperless/paperless-sink';
import { createSharePointSink } from './sharepoint/sharepoint-sink';
import type { Logger } from '../observability/logger';

/** The one place that knows every backend type: adding a backend adds a case here. */
export function createSink(name: string, config: Config, logger: Logger): DocumentSink {
  const backend = config.service.backends[name];
  if (!backend) throw new PostroomError('CONFIG_INVALID', `backend "${name}" is not configured`);
  switch (backend.type) {
    case 'folder':
      return new FolderSink(name, backend.root);
    case 'mfiles':
      return createMFilesSink(name, backend, {
        logger: logger.child({ component: 'mfiles', backend: name }),
      });
    case 'paperless':
      return createPaperlessSink(name, backend, {
        logger: logger.child({ component: 'paperless', backend: name }),
      });
    case 'sharepoint':
      return createSharePointSink(name, backend, {
        logger: logger.child({ component: 'sharepoint', backend: name }),
      });
  }
}

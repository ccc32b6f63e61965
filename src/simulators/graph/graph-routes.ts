/*
 * Maps a /v1.0 path onto the operations the simulator implements. Parsing happens before
 * authentication so that even rejected requests are counted under the right kind.
 */

export type RouteName =
  | 'getUser'
  | 'listTopFolders'
  | 'getFolder'
  | 'listChildFolders'
  | 'listMessages'
  | 'delta'
  | 'folderValue'
  | 'getMessage'
  | 'value'
  | 'move'
  | 'listAttachments'
  | 'getAttachment'
  | 'attachmentValue';

export interface Route {
  name: RouteName;
  /** Counter kind. */
  kind: string;
  methods: string[];
  /** Folder ids / well-known names: mailFolders/{a}/childFolders/{b}/... */
  folderChain: string[];
  messageId?: string;
  attachmentId?: string;
}

export interface ParsedGraphPath {
  /** 'users' | 'me' | anything else. */
  root: string;
  userSegment?: string;
  /** Undefined when the path is not one the simulator knows. */
  route?: Route;
}

/** Splits `mailFolders('x')` style segments into `mailFolders`, `x`. */
export function normalizeSegments(pathname: string): string[] {
  const out: string[] = [];
  for (const rawSegment of pathname.split('/')) {
    if (rawSegment === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      segment = rawSegment;
    }
    const keyed = /^([^(]+)\((?:'((?:[^']|'')*)'|([^)']*))\)$/.exec(segment);
    if (keyed) {
      out.push(keyed[1] as string, (keyed[2] ?? keyed[3] ?? '').replace(/''/g, "'"));
    } else out.push(segment);
  }
  return out;
}

const DELTA = new Set(['delta', 'delta()', 'microsoft.graph.delta', 'microsoft.graph.delta()']);
const MOVE = new Set(['move', 'microsoft.graph.move']);

function route(
  name: RouteName,
  kind: string,
  methods: string[],
  folderChain: string[],
  extra: Partial<Route> = {},
): Route {
  return { name, kind, methods, folderChain, ...extra };
}

function messageRoute(rest: string[], chain: string[]): Route | undefined {
  const [id, action, attachmentId, tail, ...more] = rest;
  if (id === undefined) return route('listMessages', 'other', ['GET'], chain);
  if (DELTA.has(id.toLowerCase()) && action === undefined) {
    return chain.length ? route('delta', 'delta', ['GET'], chain) : undefined;
  }
  const lowerAction = action?.toLowerCase();
  if (lowerAction === undefined) {
    return route('getMessage', 'message', ['GET', 'PATCH', 'DELETE'], chain, { messageId: id });
  }
  if (lowerAction === '$value' && attachmentId === undefined) {
    // Graph only serves MIME content on the mailbox-level path.
    return chain.length
      ? route('folderValue', 'value', [], chain, { messageId: id })
      : route('value', 'value', ['GET'], chain, { messageId: id });
  }
  if (MOVE.has(lowerAction) && attachmentId === undefined)
    return route('move', 'move', ['POST'], chain, { messageId: id });
  if (lowerAction !== 'attachments' || more.length > 0) return undefined;
  if (attachmentId === undefined)
    return route('listAttachments', 'attachments', ['GET'], chain, { messageId: id });
  if (tail === undefined)
    return route('getAttachment', 'attachments', ['GET'], chain, { messageId: id, attachmentId });
  if (tail.toLowerCase() === '$value') {
    return route('attachmentValue', 'attachmentValue', ['GET'], chain, { messageId: id, attachmentId });
  }
  return undefined;
}

/** Routes below `/users/{u}`. */
function mailboxRoute(rest: string[]): Route | undefined {
  const [first, ...tail] = rest;
  if (first === undefined) return route('getUser', 'other', ['GET'], []);
  if (first.toLowerCase() === 'messages') return messageRoute(tail, []);
  if (first.toLowerCase() !== 'mailfolders') return undefined;
  if (tail.length === 0) return route('listTopFolders', 'mailFolders', ['GET'], []);
  const chain: string[] = [tail[0] as string];
  let i = 1;
  while (tail[i]?.toLowerCase() === 'childfolders' && tail[i + 1] !== undefined) {
    chain.push(tail[i + 1] as string);
    i += 2;
  }
  const remaining = tail.slice(i);
  const [next, ...after] = remaining;
  if (next === undefined)
    return route('getFolder', chain.length > 1 ? 'childFolders' : 'mailFolders', ['GET'], chain);
  if (next.toLowerCase() === 'childfolders' && after.length === 0) {
    return route('listChildFolders', 'childFolders', ['GET'], chain);
  }
  if (next.toLowerCase() === 'messages') return messageRoute(after, chain);
  return undefined;
}

/** `segments` are the normalized path segments after `/v1.0`. */
export function parseGraphPath(segments: string[]): ParsedGraphPath {
  const [root = '', user, ...rest] = segments;
  const lowerRoot = root.toLowerCase();
  if (lowerRoot === 'me') return { root: 'me' };
  if (lowerRoot !== 'users' || user === undefined) return { root: lowerRoot };
  return { root: 'users', userSegment: user, route: mailboxRoute(rest) };
}

/** Counter kind of a route for the method used (PATCH/DELETE on a message have their own kinds). */
export function kindFor(routeValue: Route | undefined, method: string): string {
  if (!routeValue) return 'other';
  if (routeValue.name === 'getMessage' && method === 'PATCH') return 'patch';
  if (routeValue.name === 'getMessage' && method === 'DELETE') return 'delete';
  return routeValue.kind;
}

import type {
  DeliveryKey,
  DocumentFile,
  DocumentMetadata,
  DocumentToDeliver,
} from '../backends/document-sink';
import type { SourceDefinition } from '../config/schema';
import type { ConversionResult, ConvertedDocument } from '../conversion/conversion-types';
import type { MappedMetadata } from '../mapping/mapped-metadata';
import type { MessageSummary } from '../sources/mail-source';

export interface DeliveryInput {
  definition: SourceDefinition;
  messageId: string;
  summary: MessageSummary;
  result: ConversionResult;
  mapped?: MappedMetadata;
  /** A spool file held only in memory: its documents carry the bytes instead of a file. */
  inMemory?: { path: string; bytes: Buffer };
}

/** The key of a message's own document: what "already delivered?" is asked about first. */
export function messageKey(sourceId: string, messageId: string, summary: MessageSummary): DeliveryKey {
  return { sourceId, messageId, receivedDateTime: summary.receivedDateTime };
}

function metadataOf(input: DeliveryInput): DocumentMetadata {
  const { definition: def, messageId, summary, result } = input;
  const flags = result.flags;
  return {
    sourceId: def.id,
    mailbox: def.mailbox,
    folder: def.folder,
    messageId,
    internetMessageId: summary.internetMessageId ?? result.facts.messageId,
    subject: summary.subject ?? result.facts.subject,
    from: summary.from ?? result.facts.from,
    to: summary.to.length > 0 ? summary.to : result.facts.to,
    cc: summary.cc.length > 0 ? summary.cc : result.facts.cc,
    sent: summary.sentDateTime ?? result.facts.date,
    received: summary.receivedDateTime,
    conversion: {
      format: def.format,
      attachments: def.attachments,
      smime: flags.smime,
      tnef: flags.tnef || undefined,
      calendar: flags.calendar || undefined,
      malformed: flags.malformed.length > 0 ? flags.malformed : undefined,
      skipped: result.skipped.length > 0 ? result.skipped : undefined,
    },
  };
}

/** Every file conversion wrote belongs to this attempt alone: the sink may move it. */
function filesOf(document: ConvertedDocument, inMemory: DeliveryInput['inMemory']): DocumentFile[] {
  return document.files.map((f) => ({
    name: f.name,
    path: f.path,
    movable: true,
    ...(inMemory && f.path === inMemory.path ? { bytes: inMemory.bytes } : {}),
    size: f.size,
    sha256: f.sha256,
    contentType: f.contentType,
  }));
}

/**
 * Turns a converted message into the documents to deliver. Attachment documents (`attachments:
 * documents`) come first and the message's own document last, so that finding the message's
 * document in the backend means every document of the message is there: a crash between two
 * deliveries is repaired by the retry, never mistaken for done.
 */
export function buildDeliveries(input: DeliveryInput): DocumentToDeliver[] {
  const { definition: def, messageId, summary, result, mapped, inMemory } = input;
  const metadata = metadataOf(input);
  const key = messageKey(def.id, messageId, summary);
  const [message, ...parts] = result.documents;
  if (!message) throw new Error('conversion returned no message document');
  const parent = {
    messageId,
    internetMessageId: metadata.internetMessageId,
    subject: metadata.subject,
  };
  const partDocuments = parts.map((part): DocumentToDeliver => ({
    key: { ...key, part: part.part },
    files: filesOf(part, inMemory),
    metadata,
    // An attachment document is titled by its file; its other properties are the message's.
    mapped: mapped ? { ...mapped, title: part.title } : undefined,
    parent,
  }));
  return [...partDocuments, { key, files: filesOf(message, inMemory), metadata, mapped }];
}

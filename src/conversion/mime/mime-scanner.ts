import { parseHeaderBlock } from './header-fields';
import { applyHeaders, createNode, describePart, isMultipart, type MimeNode } from './mime-node';

/**
 * A streaming MIME splitter. It is fed the message in chunks and never holds more than one chunk
 * plus one header block: leaf bodies go straight to a sink as raw (still transfer-encoded) bytes,
 * and every part's byte offsets are recorded so a part can later be copied or cut out exactly.
 *
 * It never throws on bad MIME. A missing closing boundary, a header block without its blank line
 * or a multipart without a boundary parameter is recorded in `problems` and the parse goes on the
 * way mail clients would read the message.
 *
 * message/rfc822 bodies are not descended into here: conversion writes them out and scans that
 * file on its own, which keeps one scanner to one set of boundaries.
 */

export interface BodySink {
  /** Raw body bytes of a leaf, in order; the line break before a delimiter is not included. */
  write(raw: Buffer): void;
  end(): void;
}

export interface ScanHandler {
  /** A node's headers are complete. A leaf may return a sink for its body. */
  onNode(node: MimeNode): BodySink | undefined;
}

/** Longer lines cannot be delimiters (a boundary is at most 70 characters plus dashes and spaces). */
const MAX_DELIMITER_LINE = 1000;
const MAX_HEADER_BLOCK = 1024 * 1024;
/** Deeper multiparts are kept as opaque leaves (some messages nest thousands deep to crash parsers). */
const MAX_MULTIPART_DEPTH = 64;

const EOL: Record<number, Buffer> = { 1: Buffer.from('\n'), 2: Buffer.from('\r\n') };

interface Frame {
  node: MimeNode;
  delimiter: Buffer;
  state: 'preamble' | 'parts' | 'epilogue';
}

function isWsp(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09;
}

function boundaryBytes(boundary: string): Buffer {
  // Header text was decoded from bytes as UTF-8 or Latin-1; encode it back the same way.
  const latin1 = [...boundary].every((c) => c.charCodeAt(0) < 256);
  return Buffer.from(`--${boundary}`, latin1 ? 'latin1' : 'utf8');
}

export class MimeScanner {
  readonly root: MimeNode;
  readonly problems: string[] = [];
  private readonly frames: Frame[] = [];
  private node: MimeNode;
  private inHeaders = true;
  private headerLines: Buffer[] = [];
  private headerBytes = 0;
  private sink: BodySink | undefined;
  private carry: Buffer | null = null;
  private offset = 0;
  /** Length (0, 1 or 2) and position of the last content line's line break, held back. */
  private pendingEol = 0;
  private pendingEolAt = 0;
  /** Inside a content line longer than a chunk: its remainder is content, not a possible delimiter. */
  private midLine = false;
  private runFrom = -1;
  private runTo = -1;
  private ended = false;

  constructor(private readonly handler: ScanHandler) {
    this.root = createNode('', 0);
    this.node = this.root;
  }

  get size(): number {
    return this.offset;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let buf = chunk;
    let base = this.offset;
    if (this.carry) {
      base -= this.carry.length;
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    this.offset += chunk.length;
    this.scan(buf, base, false);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.carry) {
      const rest = this.carry;
      this.carry = null;
      this.scan(rest, this.offset - rest.length, true);
    }
    if (this.inHeaders) this.endHeaders(this.offset);
    // At the end of the file the last line break is content: no delimiter follows to claim it.
    if (this.sink && this.pendingEol) this.sink.write(EOL[this.pendingEol] as Buffer);
    this.pendingEol = 0;
    while (this.frames.length > 0) {
      const frame = this.frames.pop() as Frame;
      if (frame.state !== 'epilogue') this.problem(`missing closing boundary in ${describePart(frame.node)}`);
      this.closeOpenChild(frame, this.offset);
      frame.node.end = this.offset;
    }
    this.root.end = this.offset;
    this.sink?.end();
    this.sink = undefined;
  }

  private problem(text: string): void {
    if (!this.problems.includes(text)) this.problems.push(text);
  }

  private scan(buf: Buffer, base: number, final: boolean): void {
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0 && !final) {
        if (this.carryLine(buf, base, pos)) break;
        // A content line longer than a chunk: hand over what we have, except a trailing CR that
        // may turn out to be half of the line break.
        let stop = buf.length;
        if (buf[stop - 1] === 0x0d) {
          stop--;
          this.carry = Buffer.from([0x0d]);
        }
        if (stop > pos) this.contentLine(buf, base, pos, stop, stop);
        this.midLine = true;
        break;
      }
      const lineEnd = nl < 0 ? buf.length : nl + 1;
      const contentEnd = nl < 0 ? buf.length : nl > pos && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      if (this.midLine) {
        this.contentLine(buf, base, pos, contentEnd, lineEnd);
        this.midLine = nl < 0;
      } else this.line(buf, base, pos, contentEnd, lineEnd);
      pos = lineEnd;
    }
    this.flushRun(buf);
  }

  /** Keeps an unfinished line for the next chunk when it may be a header or a delimiter. */
  private carryLine(buf: Buffer, base: number, pos: number): boolean {
    const rest = buf.length - pos;
    if (this.inHeaders && !this.midLine) {
      if (this.headerBytes + rest <= MAX_HEADER_BLOCK) {
        this.flushRun(buf);
        this.carry = Buffer.from(buf.subarray(pos));
        return true;
      }
      this.problem(`header block too long in ${describePart(this.node)}`);
      this.endHeaders(base + pos);
      return false;
    }
    const mayBeDelimiter =
      !this.midLine &&
      this.frames.length > 0 &&
      rest <= MAX_DELIMITER_LINE &&
      buf[pos] === 0x2d &&
      (rest < 2 || buf[pos + 1] === 0x2d);
    if (!mayBeDelimiter) return false;
    this.flushRun(buf);
    this.carry = Buffer.from(buf.subarray(pos));
    return true;
  }

  private line(buf: Buffer, base: number, ls: number, ce: number, le: number): void {
    const delimiter =
      this.frames.length > 0 && buf[ls] === 0x2d && buf[ls + 1] === 0x2d && ce - ls <= MAX_DELIMITER_LINE
        ? this.matchDelimiter(buf, ls, ce)
        : undefined;
    if (this.inHeaders) {
      if (delimiter) {
        this.problem(`headers of ${describePart(this.node)} not ended by a blank line`);
        this.endHeaders(base + ls);
      } else {
        this.headerLine(buf, base, ls, ce, le);
        return;
      }
    }
    if (delimiter) this.delimiter(buf, delimiter.frame, delimiter.close, base + ls, base + le);
    else this.contentLine(buf, base, ls, ce, le);
  }

  private headerLine(buf: Buffer, base: number, ls: number, ce: number, le: number): void {
    if (ce === ls) {
      this.endHeaders(base + le);
      return;
    }
    // An mbox "From " separator line before the first header is not part of the message.
    if (
      this.node === this.root &&
      base + ls === 0 &&
      buf.subarray(ls, ls + 5).toString('latin1') === 'From '
    ) {
      return;
    }
    if (this.headerLines.length === 0 && !isWsp(buf[ls]) && !this.looksLikeField(buf, ls, ce)) {
      // No header block at all: the part starts with its body (the blank line is missing).
      if (this.node !== this.root) this.problem(`${describePart(this.node)} has no header block`);
      else this.problem('message has no header block');
      this.endHeaders(base + ls);
      this.contentLine(buf, base, ls, ce, le);
      return;
    }
    this.headerLines.push(Buffer.from(buf.subarray(ls, le)));
    this.headerBytes += le - ls;
  }

  private looksLikeField(buf: Buffer, ls: number, ce: number): boolean {
    const head = buf.subarray(ls, Math.min(ce, ls + 200)).toString('latin1');
    return /^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(head);
  }

  private endHeaders(bodyStart: number): void {
    const node = this.node;
    const parsed = parseHeaderBlock(Buffer.concat(this.headerLines));
    this.headerLines = [];
    this.headerBytes = 0;
    this.inHeaders = false;
    this.pendingEol = 0;
    for (const p of parsed.problems) this.problem(`${p} in ${describePart(node)}`);
    for (const p of applyHeaders(node, parsed.fields)) this.problem(p);
    node.bodyStart = bodyStart;
    if (isMultipart(node)) {
      const boundary = node.typeParams.get('boundary');
      if (!boundary) this.problem(`multipart without boundary in ${describePart(node)}`);
      else if (this.frames.length >= MAX_MULTIPART_DEPTH)
        this.problem(`multipart nesting deeper than ${MAX_MULTIPART_DEPTH}; the rest is kept as one part`);
      else {
        this.frames.push({ node, delimiter: boundaryBytes(boundary), state: 'preamble' });
        this.handler.onNode(node);
        this.sink = undefined;
        return;
      }
    }
    this.sink = this.handler.onNode(node);
  }

  private matchDelimiter(buf: Buffer, ls: number, ce: number): { frame: number; close: boolean } | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const d = (this.frames[i] as Frame).delimiter;
      if (ce - ls < d.length || buf.compare(d, 0, d.length, ls, ls + d.length) !== 0) continue;
      let p = ls + d.length;
      const close = buf[p] === 0x2d && buf[p + 1] === 0x2d;
      if (close) p += 2;
      while (p < ce && isWsp(buf[p])) p++;
      if (p === ce) return { frame: i, close };
    }
    return undefined;
  }

  private closeOpenChild(frame: Frame, endAt: number): void {
    if (frame.state !== 'parts') return;
    const child = frame.node.children[frame.node.children.length - 1];
    if (!child) return;
    child.end = endAt;
    if (child === this.node) {
      this.sink?.end();
      this.sink = undefined;
    }
  }

  private delimiter(buf: Buffer, index: number, close: boolean, lineStart: number, lineEnd: number): void {
    this.flushRun(buf);
    const endAt = this.pendingEol ? this.pendingEolAt : lineStart;
    this.pendingEol = 0;
    while (this.frames.length - 1 > index) {
      const inner = this.frames.pop() as Frame;
      if (inner.state !== 'epilogue') this.problem(`missing closing boundary in ${describePart(inner.node)}`);
      this.closeOpenChild(inner, endAt);
      inner.node.end = endAt;
    }
    const frame = this.frames[index] as Frame;
    this.closeOpenChild(frame, endAt);
    this.sink = undefined;
    if (close) {
      frame.state = 'epilogue';
      frame.node.closed = true;
      this.node = frame.node;
      return;
    }
    if (frame.state === 'epilogue')
      this.problem(`part after the closing boundary in ${describePart(frame.node)}`);
    frame.state = 'parts';
    const parent = frame.node;
    const n = parent.children.length + 1;
    const child = createNode(parent.path ? `${parent.path}.${n}` : `${n}`, lineEnd, parent);
    child.removeFrom = endAt;
    parent.children.push(child);
    this.node = child;
    this.inHeaders = true;
  }

  private contentLine(buf: Buffer, base: number, ls: number, ce: number, le: number): void {
    if (this.sink) {
      if (this.runFrom < 0) {
        if (this.pendingEol && this.pendingEolAt >= base) this.runFrom = this.pendingEolAt - base;
        else {
          if (this.pendingEol) this.sink.write(EOL[this.pendingEol] as Buffer);
          this.runFrom = ls;
        }
      }
      this.runTo = ce;
    }
    this.pendingEol = le - ce;
    this.pendingEolAt = base + ce;
  }

  private flushRun(buf: Buffer): void {
    if (this.runFrom >= 0 && this.sink && this.runTo > this.runFrom)
      this.sink.write(buf.subarray(this.runFrom, this.runTo));
    this.runFrom = -1;
    this.runTo = -1;
  }
}

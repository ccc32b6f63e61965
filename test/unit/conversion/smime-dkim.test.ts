import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { convertMessage } from '../../../src/conversion/convert-message';
import { messageModelOf } from '../../../src/conversion/level-model';
import { allFiles, optionsFor, sandbox, sha256 } from '../../helpers/conversion';
import { CORPUS_DIR, corpusAvailable } from '../../helpers/corpus';
import { ed25519Key, verifyDkim } from '../../helpers/dkim';
import { base64Body } from '../../helpers/mime-builder';

const haveCorpus = corpusAvailable();
const itCorpus = haveCorpus ? it : it.skip;

describe('S/MIME', () => {
  const path = join(CORPUS_DIR, 'mimekit/smime/thunderbird-signed.txt');

  itCorpus(
    'a signed message stays byte-exact; its attachments are still extracted, the signature part is not',
    async () => {
      const raw = readFileSync(path);
      const original = await simpleParser(raw);
      const jpeg = original.attachments.find((a) => a.filename === 'signed.jpg');
      for (const attachments of ['embedded', 'separate', 'documents'] as const) {
        const box = sandbox(raw);
        try {
          const result = await convertMessage(
            box.input,
            box.workDir,
            optionsFor('eml', attachments, 'skip-images'),
          );
          expect(result.flags.smime).toBe('signed');
          expect(result.flags.malformed).toEqual([]);
          // The message document is the spool file itself: the signature over it still verifies.
          expect(result.documents[0]?.files[0]?.path).toBe(box.input.path);
          expect(result.facts.attachmentNames).toEqual(['signed.jpg']);
          const files = allFiles(result).filter((f) => f.role !== 'message');
          if (attachments === 'embedded') expect(files).toEqual([]);
          else
            expect(files.map((f) => [f.name, f.contentType, f.sha256])).toEqual([
              ['signed.jpg', 'image/jpeg', sha256(jpeg?.content as Buffer)],
            ]);
        } finally {
          box.cleanup();
        }
      }
    },
  );

  itCorpus(
    'a signed message becomes IPM.Note.SMIME.MultipartSigned carrying its multipart/signed entity',
    async () => {
      const box = sandbox(readFileSync(path));
      try {
        const model = await messageModelOf(
          box.input.path,
          box.workDir,
          optionsFor('msg', 'embedded', 'keep'),
        );
        expect(model.messageClass).toBe('IPM.Note.SMIME.MultipartSigned');
        expect(model.attachments).toHaveLength(1);
        const p7m = model.attachments[0];
        expect(p7m?.kind === 'file' && p7m.fileName).toBe('smime.p7m');
        expect(p7m?.kind === 'file' && p7m.contentType).toBe('multipart/signed');
        expect(p7m?.kind === 'file' && p7m.data.toString('latin1')).toContain(
          'Content-Type: application/pkcs7-signature',
        );
        expect(model.textBody).toContain('signed by Thunderbird');
      } finally {
        box.cleanup();
      }
    },
  );

  it('an encrypted message is stored as received and nothing is extracted', async () => {
    const blob = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37) & 0xff));
    const raw = Buffer.from(
      'From: a@example.com\r\nTo: b@example.com\r\nSubject: secret\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n' +
        'Message-ID: <e@example.com>\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n' +
        'Content-Disposition: attachment; filename="smime.p7m"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
        base64Body(blob, '\r\n').toString('latin1') +
        '\r\n',
    );
    for (const attachments of ['embedded', 'separate', 'documents'] as const) {
      const box = sandbox(raw);
      try {
        const result = await convertMessage(box.input, box.workDir, optionsFor('eml', attachments, 'keep'));
        expect(result.flags.smime).toBe('encrypted');
        expect(result.documents).toHaveLength(1);
        expect(result.documents[0]?.files.map((f) => f.path)).toEqual([box.input.path]);
        expect(result.facts.attachmentNames).toEqual([]);
        if (attachments === 'separate') {
          const model = await messageModelOf(
            box.input.path,
            box.workDir,
            optionsFor('msg', 'embedded', 'keep'),
          );
          expect(model.messageClass).toBe('IPM.Note.SMIME');
          expect(model.attachments.map((a) => a.kind === 'file' && sha256(a.data))).toEqual([sha256(blob)]);
        }
      } finally {
        box.cleanup();
      }
    }
  });
});

describe('PGP/MIME', () => {
  it('encrypted mail is stored as received with nothing extracted', async () => {
    const raw = Buffer.from(
      'From: a@example.com\r\nSubject: pgp\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\nMessage-ID: <p@x>\r\n' +
        'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="x"\r\n\r\n' +
        '--x\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--x\r\n' +
        'Content-Type: application/octet-stream; name="encrypted.asc"\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n' +
        'abc\r\n-----END PGP MESSAGE-----\r\n--x--\r\n',
    );
    const box = sandbox(raw);
    try {
      const result = await convertMessage(box.input, box.workDir, optionsFor('eml', 'documents', 'keep'));
      expect(result.documents.map((d) => d.files.map((f) => f.path))).toEqual([[box.input.path]]);
      expect(result.facts.attachmentNames).toEqual([]);
    } finally {
      box.cleanup();
    }
  });
});

describe('DKIM signatures still verify after conversion (mimekit/dkim)', () => {
  const dir = join(CORPUS_DIR, 'mimekit/dkim');
  const keys = (): Map<string, KeyObject> =>
    new Map([
      ['20120113._domainkey.gmail.com', createPublicKey(readFileSync(join(dir, 'gmail.pub')))],
      // RFC 8463 appendix A publishes the keys of its example (not shipped as .pub files):
      // brisbane is the Ed25519 key of RFC 8032 test 1, test an RSA key.
      [
        'brisbane._domainkey.football.example.com',
        ed25519Key('11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='),
      ],
      [
        'test._domainkey.football.example.com',
        createPublicKey({
          key: Buffer.from(
            'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB',
            'base64',
          ),
          format: 'der',
          type: 'spki',
        }),
      ],
    ]);

  itCorpus.each(['gmail.msg', 'related.msg', 'multipart-no-end-boundary.msg', 'rfc8463-example.msg'])(
    '%s',
    async (name) => {
      const raw = readFileSync(join(dir, name));
      const box = sandbox(raw);
      try {
        const result = await convertMessage(
          box.input,
          box.workDir,
          optionsFor('eml', 'embedded', 'skip-images'),
        );
        const stored = readFileSync(result.documents[0]?.files[0]?.path as string);
        const verdicts = verifyDkim(stored, keys());
        expect(verdicts.length).toBeGreaterThan(0);
        expect(verdicts.map((v) => `${v.algorithm} ${v.selector}: ${v.status}`)).toEqual(
          verdicts.map((v) => `${v.algorithm} ${v.selector}: pass`),
        );
        // The verifier is not a rubber stamp: one changed body byte fails it.
        const tampered = Buffer.from(stored);
        tampered.writeUInt8(tampered.readUInt8(tampered.length - 10) ^ 0x01, tampered.length - 10);
        expect(verifyDkim(tampered, keys()).every((v) => v.status.startsWith('fail'))).toBe(true);
      } finally {
        box.cleanup();
      }
    },
  );
});

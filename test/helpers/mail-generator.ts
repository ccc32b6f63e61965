import { Builder, type GeneratedMail, type Template } from './mail-builder';
import { TEMPLATES } from './mail-templates';

/**
 * A seeded corpus of test messages (`generateMails(seed)`): the same seed gives byte-identical
 * messages. Each message says what conversion should find in it (files with their decoded bytes,
 * subject, sender, flags), so tests can check conversion against the generator's own knowledge
 * as well as against an independent parser. Templates: mail-templates.ts.
 */

export type { ExpectedFile, GeneratedMail } from './mail-builder';
export { expectedOutput } from './mail-builder';
export { HOSTILE_NAMES } from './mail-templates';

export function generateMails(seed: number, count = 66): GeneratedMail[] {
  const names = Object.keys(TEMPLATES);
  const mails: GeneratedMail[] = [];
  for (let i = 0; i < count; i++) {
    const template = names[i % names.length] as string;
    const eol = i % 5 === 4 ? '\n' : '\r\n';
    const builder = new Builder((seed * 7919 + i) >>> 0, eol);
    const mail = (TEMPLATES[template] as Template)(builder, i);
    mails.push({ id: `m${String(i).padStart(2, '0')}-${template}`, template, eol, ...mail });
  }
  return mails;
}

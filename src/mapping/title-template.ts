import { fieldProblem, fieldText, readField, type MessageField } from './message-fields';
import type { MessageInfo } from './mapped-metadata';

/*
 * Title templates: text with `{field}` placeholders, e.g. `{subject} ({sender.name})`. `{{` and `}}`
 * stand for literal braces. Parsed once per use; templates are short and the parse is linear.
 */

type Part = { text: string } | { field: MessageField };

export type TemplateParse = { parts: Part[] } | { problem: string };

export function parseTemplate(template: string): TemplateParse {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    const next = template[i + 1];
    if ((ch === '{' && next === '{') || (ch === '}' && next === '}')) {
      text += ch;
      i++;
    } else if (ch === '}') {
      return { problem: `has a "}" without its "{" at position ${i + 1} (write }} for a literal brace)` };
    } else if (ch === '{') {
      const end = template.indexOf('}', i + 1);
      if (end < 0) return { problem: `has a "{" without its "}" at position ${i + 1}` };
      const name = template.slice(i + 1, end).trim();
      const problem = fieldProblem(name);
      if (problem) return { problem: `placeholder {${name}}: ${problem}` };
      if (text) parts.push({ text });
      text = '';
      parts.push({ field: name as MessageField });
      i = end;
    } else {
      text += ch;
    }
  }
  if (text) parts.push({ text });
  return { parts };
}

/**
 * Renders a template for one message. Whitespace runs (a folded subject's line breaks) become one
 * space; an empty result is undefined, so the backend falls back to its own title.
 */
export function renderTemplate(template: string, info: MessageInfo): string | undefined {
  const parsed = parseTemplate(template);
  if ('problem' in parsed) return undefined;
  const text = parsed.parts
    .map((part) => ('text' in part ? part.text : fieldText(readField(info, part.field))))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? undefined : text;
}

import { z } from 'zod';
import { fieldProblem, type MessageField } from './message-fields';
import { patternProblem } from './patterns';
import { parseTemplate } from './title-template';

/*
 * The `metadata` and `filters` sections of a source definition. Each check reports on the exact
 * field (filters.exclude.0.subject, metadata.properties.2.from), which the loader prints as
 * "file: field: message".
 */

const pattern = z.string().superRefine((value, ctx) => {
  const problem = patternProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A date (midnight UTC) or a time with its offset: a time without one would depend on the host. */
const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Date.parse rolls 2024-02-30 over to March 1st; a typo must not silently move the boundary. */
function realDay(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const dateOrTime = z
  .string()
  .refine((v) => DATE_OR_TIME.test(v) && realDay(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be a date such as 2024-01-31 or a time with its offset such as 2024-01-31T08:00:00+01:00',
  });

const CONDITION_KEYS = [
  'sender',
  'recipient',
  'subject',
  'body',
  'attachmentName',
  'hasAttachments',
  'receivedAfter',
] as const;

/**
 * One filter rule: every key given must match (and). `sender` and `recipient` match the address or
 * the display name; `recipient` any of To and Cc; `attachmentName` any attachment.
 */
export const conditionSchema = z
  .strictObject({
    sender: pattern.optional(),
    recipient: pattern.optional(),
    subject: pattern.optional(),
    body: pattern.optional(),
    attachmentName: pattern.optional(),
    hasAttachments: z.boolean().optional(),
    receivedAfter: dateOrTime.optional(),
  })
  .refine((c) => CONDITION_KEYS.some((key) => c[key] !== undefined), {
    message: `a condition needs at least one of ${CONDITION_KEYS.join(', ')}`,
  });

export type FilterCondition = z.infer<typeof conditionSchema>;

/**
 * `include`: a message must match at least one rule (when the list is given). `exclude`: a message
 * matching any rule is skipped. Both lists are checked, include first.
 */
export const filtersSchema = z.strictObject({
  include: z
    .array(conditionSchema)
    .min(1, 'an empty include list would skip every message; leave include out instead')
    .optional(),
  exclude: z.array(conditionSchema).optional(),
});

export type Filters = z.infer<typeof filtersSchema>;

const field = z
  .string()
  .superRefine((value, ctx) => {
    const problem = fieldProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => value as MessageField);

/** A backend's class or property: a number is an id, a string a name (the backend resolves it). */
const idOrName = z.union(
  [
    z.number().int('an id must be a whole number').nonnegative('an id must not be negative'),
    z.string().trim().min(1, 'a name must not be empty'),
  ],
  {
    error: 'must be an id (a whole number) or a name',
  },
);

const template = z.string().superRefine((value, ctx) => {
  const parsed = parseTemplate(value);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

const classRuleSchema = z.strictObject({ when: conditionSchema, class: idOrName });

const classSchema = z.union(
  [
    idOrName,
    z.strictObject({
      /** The first rule whose condition matches decides; `default` when none does. */
      rules: z.array(classRuleSchema).min(1, 'needs at least one rule'),
      default: idOrName.optional(),
    }),
  ],
  { error: 'must be a class id or name, or { rules: [{ when, class }], default }' },
);

const titleSchema = z.union([template, z.strictObject({ from: field })], {
  error: 'must be a template such as "{subject}" or { from: <field> }',
});

const fixedValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())], {
  error: 'must be text, a number, true/false or a list of texts',
});

const propertySchema = z
  .strictObject({ property: idOrName, value: fixedValue.optional(), from: field.optional() })
  .superRefine((p, ctx) => {
    if ((p.value === undefined) === (p.from === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'give either value (a fixed value) or from (a message field), not both or neither',
      });
    }
  });

export type PropertyMapping = z.infer<typeof propertySchema>;

export const metadataSchema = z
  .strictObject({
    class: classSchema.optional(),
    title: titleSchema.optional(),
    properties: z.array(propertySchema).default([]),
  })
  .superRefine((m, ctx) => {
    // Two mappings for one property would leave the winner to the backend's whim.
    const seen = new Map<string, number>();
    m.properties.forEach((p, i) => {
      const key = `${typeof p.property}:${String(p.property).toLowerCase()}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['properties', i, 'property'],
          message: `${JSON.stringify(p.property)} is already mapped by properties.${first}`,
        });
      }
    });
  });

export type MetadataSpec = z.infer<typeof metadataSchema>;
/** What the YAML may say before defaults are filled in. */
export type MetadataSpecInput = z.input<typeof metadataSchema>;
export type ClassSpec = NonNullable<MetadataSpec['class']>;
export type TitleSpec = NonNullable<MetadataSpec['title']>;

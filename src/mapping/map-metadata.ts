import { conditionMatches } from './evaluate-filters';
import type { MappedMetadata, MappedProperty, MessageInfo } from './mapped-metadata';
import type { ClassSpec, MetadataSpec, TitleSpec } from './mapping-schema';
import { fieldText, readField } from './message-fields';
import { renderTemplate } from './title-template';

function mapClass(info: MessageInfo, spec: ClassSpec | undefined): string | number | undefined {
  if (spec === undefined || typeof spec !== 'object') return spec;
  const rule = spec.rules.find((r) => conditionMatches(info, r.when));
  return rule ? rule.class : spec.default;
}

function mapTitle(info: MessageInfo, spec: TitleSpec | undefined): string | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'string') return renderTemplate(spec, info);
  const text = fieldText(readField(info, spec.from)).replace(/\s+/g, ' ').trim();
  return text === '' ? undefined : text;
}

/**
 * Turns what is known about a message into backend-neutral metadata: the class (first matching rule
 * or the default), the title and each property's value. Ids and names pass through untouched; the
 * backend resolves names and converts values to its own data types. Pure: no I/O, no clock.
 */
export function mapMetadata(info: MessageInfo, spec: MetadataSpec | undefined): MappedMetadata {
  if (!spec) return { properties: [] };
  const properties: MappedProperty[] = spec.properties.map((p) =>
    p.from !== undefined
      ? { property: p.property, value: readField(info, p.from), origin: `from: ${p.from}` }
      : {
          property: p.property,
          // A fixed list is copied, so a backend that edits the value cannot change the configuration.
          value: Array.isArray(p.value) ? [...p.value] : (p.value ?? null),
          origin: 'value',
        },
  );
  const mapped: MappedMetadata = { properties };
  const cls = mapClass(info, spec.class);
  if (cls !== undefined) mapped.class = cls;
  const title = mapTitle(info, spec.title);
  if (title !== undefined) mapped.title = title;
  return mapped;
}

import type { SourceDefinition } from '../config/schema';
import type { ConversionOptions } from '../conversion/conversion-types';

/** A source definition's conversion settings in the converter's terms. */
export function conversionOptionsOf(def: SourceDefinition): ConversionOptions {
  return {
    format: def.format,
    attachments: def.attachments,
    inline: { mode: def.inline.mode, maxImageBytes: Math.round(def.inline.maxImageKB * 1024) },
    maxNestingDepth: def.nestedDepth,
  };
}

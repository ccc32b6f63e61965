import { DEFAULT_INLINE_MAX_IMAGE_BYTES, type ConversionOptions } from './conversion-types';

/** The default depth to which nested messages are unpacked when none is configured. */
export const DEFAULT_MAX_NESTING_DEPTH = 3;

/** Conversion options with defaults filled in and nonsense values replaced by them. */
export function normaliseOptions(options: ConversionOptions): ConversionOptions {
  const maxImageBytes = options.inline?.maxImageBytes;
  const depth = options.maxNestingDepth;
  return {
    format: options.format === 'msg' ? 'msg' : 'eml',
    attachments: options.attachments ?? 'embedded',
    inline: {
      mode: options.inline?.mode === 'skip-images' ? 'skip-images' : 'keep',
      maxImageBytes:
        Number.isFinite(maxImageBytes) && maxImageBytes >= 0 ? maxImageBytes : DEFAULT_INLINE_MAX_IMAGE_BYTES,
    },
    maxNestingDepth: Number.isInteger(depth) && depth >= 0 ? depth : DEFAULT_MAX_NESTING_DEPTH,
  };
}

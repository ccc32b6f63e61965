import type { z } from 'zod';

/**
 * An app authenticates with exactly one of a client secret or a certificate. Shared by every
 * definition that carries app credentials (sources, the SharePoint backend).
 */
export function exactlyOneCredential(
  definition: { clientSecret?: string; clientCertificate?: string },
  ctx: z.RefinementCtx,
): void {
  const given = [definition.clientSecret, definition.clientCertificate].filter((v) => v !== undefined).length;
  if (given === 1) return;
  ctx.addIssue({
    code: 'custom',
    path: ['clientSecret'],
    message:
      given === 0
        ? 'one of clientSecret or clientCertificate is required'
        : 'give either clientSecret or clientCertificate, not both',
  });
}

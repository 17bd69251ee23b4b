/** The query of `GET /v1/videos/{id}/content` (docs/contract.md §11). */
import { DomainError } from '../../common/errors/domain-error';
import { stringParam } from './list-videos.query';

export const VARIANTS = ['video', 'thumbnail'] as const;
export type ContentVariant = (typeof VARIANTS)[number];

/** `variant`: video (default) or thumbnail; spritesheet is Sora-only. */
export function parseContentVariant(query: Record<string, unknown>): ContentVariant {
  const variant = stringParam(query.variant, 'variant') ?? 'video';
  if (variant === 'spritesheet')
    throw new DomainError('unsupported_operation', 'The spritesheet variant is not offered; use variant=video or variant=thumbnail.', 'variant');
  if (!(VARIANTS as readonly string[]).includes(variant)) throw DomainError.invalid('variant', 'variant must be video or thumbnail.');
  return variant as ContentVariant;
}

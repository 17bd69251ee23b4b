import { DomainError } from '../errors/domain-error';

/**
 * docs/contract.md §10: BytePlus decodes JSON keys case-insensitively, so `CALLBACK_URL` or `Image_Url` would
 * reach upstream as the field our checks read under its exact name, unchecked. A key that equals a known
 * field case-insensitively but is spelled differently is refused, naming it. Unknown keys that are not
 * such variants are left alone (they are forwarded or ignored as each body's rules say).
 */
export interface FieldShape {
  /** The known field names, exactly as spelled. */
  readonly fields: readonly string[];
  /** Other spellings accepted as they are (e.g. `CallbackURL`, `Url`). */
  readonly aliases?: readonly string[];
  /** Shapes of known fields holding an object, or an array of objects. */
  readonly nested?: Readonly<Record<string, FieldShape>>;
}

export interface CaseVariant {
  /** Where the key is, e.g. `content[1].Image_Url`. */
  param: string;
  /** The field it imitates. */
  field: string;
}

/** The first case variant of a known field in `value`, depth first; undefined when there is none. */
export function findCaseVariant(value: unknown, shape: FieldShape, path = ''): CaseVariant | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findCaseVariant(value[i], shape, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const prefix = path ? `${path}.` : '';
  for (const key of Object.keys(value)) {
    if (shape.fields.includes(key) || shape.aliases?.includes(key)) {
      const nested = shape.nested?.[key];
      const found = nested ? findCaseVariant((value as Record<string, unknown>)[key], nested, `${prefix}${key}`) : undefined;
      if (found) return found;
      continue;
    }
    const lower = key.toLowerCase();
    const field = shape.fields.find((f) => f.toLowerCase() === lower) ?? shape.aliases?.find((f) => f.toLowerCase() === lower);
    if (field) return { param: `${prefix}${key}`, field };
  }
  return undefined;
}

/** Throws 400 invalid_request naming the first case variant of a known field. */
export function refuseCaseVariants(value: unknown, shape: FieldShape): void {
  const found = findCaseVariant(value, shape);
  if (found) {
    throw DomainError.invalid(
      found.param,
      `The parameter \`${found.param}\` specified in the request is not valid: field names are case-sensitive; use \`${found.field}\`.`,
    );
  }
}

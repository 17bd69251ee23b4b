import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import type { ErrorKey } from '../errors/error-codes';

/** Put on a class-validator rule as `context` to answer with another code than invalid_request. */
export const errorKey = (key: ErrorKey) => ({ context: { errorKey: key } });

interface Leaf {
  path: string;
  message: string;
  key: ErrorKey;
}

function firstLeaf(errors: ValidationError[], prefix = ''): Leaf | undefined {
  for (const e of errors) {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints && Object.keys(e.constraints).length > 0) {
      const [name, message] = Object.entries(e.constraints)[0];
      const key = (e.contexts?.[name] as { errorKey?: ErrorKey } | undefined)?.errorKey ?? 'invalid_request';
      return { path, message: message.replace(/^\S+ /, ''), key };
    }
    const nested = firstLeaf(e.children ?? [], path);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * Validates a plain body against a class-validator DTO and throws the first problem as a native
 * error whose `param` names the field (`content[1].image_url.url`).
 */
export function validateNative<T extends object>(cls: ClassConstructor<T>, plain: unknown, opts: { forbidUnknown?: boolean } = {}): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new DomainError('invalid_request', 'The request body must be a JSON object.');
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, {
    whitelist: !!opts.forbidUnknown,
    forbidNonWhitelisted: !!opts.forbidUnknown,
    forbidUnknownValues: false,
    stopAtFirstError: true,
  });
  const leaf = firstLeaf(errors);
  if (leaf) {
    const message = leaf.message.startsWith('property ')
      ? `Unknown field \`${leaf.path}\`.`
      : `The parameter \`${leaf.path}\` specified in the request is not valid: ${leaf.message}.`;
    throw new DomainError(leaf.key, message, leaf.path);
  }
  return instance;
}

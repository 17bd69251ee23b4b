import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { validateNative } from './native-validation';

/**
 * Global pipe for DTO-typed bodies and queries (admin and reporting routes): strict, unknown fields
 * refused, errors in the native shape. BytePlus-native bodies are validated in their services instead,
 * because unknown fields there must be forwarded, not refused.
 */
@Injectable()
export class NativeValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype;
    if ((metadata.type !== 'body' && metadata.type !== 'query') || !type || !hasRules(type)) return value;
    return validateNative(type as new () => object, value ?? {}, { forbidUnknown: true });
  }
}

function hasRules(type: abstract new (...args: never[]) => unknown): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;
}

/**
 * Turns a task create as it arrived (docs/contract.md §3, §9, §10) into one typed request, before any service sees it:
 * the Idempotency-Key checked, case variants of known fields refused, the body normalised and validated against
 * CreateTaskDto (errors in the native shape), and — with a key — the canonical digest of the body as it was sent,
 * which a repeated key must match. Pure but for the digest, which yields on very long strings. Used by the native
 * route and by the `/v1/videos` facade, which hands it the body it built.
 */
import { Injectable, PipeTransform } from '@nestjs/common';
import { canonicalJsonSha256 } from '../common/canonical-json';
import { refuseCaseVariants } from '../common/http/case-variant-keys';
import { validateNative } from '../common/http/native-validation';
import { CreateTaskDto } from './dto/create-task.dto';
import type { CreateTaskRequest } from './dto/create-task.request';
import { IdempotentCreate } from './idempotent-create.service';
import { CREATE_TASK_FIELDS, normalizeCreateBody } from './task-request.normalizer';

/** A create as the client sent it: the parsed JSON body and the Idempotency-Key header. */
export interface RawCreateTask {
  body: unknown;
  idempotencyKey?: string;
}

@Injectable()
export class CreateTaskPipe implements PipeTransform<RawCreateTask, Promise<CreateTaskRequest>> {
  async transform(input: RawCreateTask): Promise<CreateTaskRequest> {
    const key = IdempotentCreate.parseKey(input.idempotencyKey);
    refuseCaseVariants(input.body, CREATE_TASK_FIELDS);
    const body = normalizeCreateBody(input.body) as Record<string, unknown>;
    const dto = validateNative(CreateTaskDto, body);
    if (key === undefined) return { dto, body };
    return { dto, body, idempotency: { key, bodySha256: await canonicalJsonSha256(input.body) } };
  }
}

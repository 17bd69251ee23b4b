import { Injectable } from '@nestjs/common';
import { isoTime } from '../common/iso-time';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import type { RequestContext } from '../common/http/request-context';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { CachedValue } from '../common/concurrency/cached-value';
import { MODELS, ModelSpec, modelSpec, officialNormalUpstreamIds, resolveModelName } from './catalog-rules';
import { ModelMappingEntity } from './model-mapping.entity';

export interface ModelMappingView {
  model: string;
  /** What a create sends upstream now; null for a Filter-Off model without a mapping. */
  upstream_model: string | null;
  official_upstream_model: string | null;
  pinned: boolean;
  filter_off: boolean;
  /** ISO-8601 UTC of the last admin change; null for a model never mapped. */
  updated_at: string | null;
}

const UPSTREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * How long the mappings a create reads are trusted before the database is asked again: a change made through another
 * instance reaches this one's creates within this window (through this one, at once).
 */
export const MAPPING_CACHE_MS = 2000;

/** The catalog seen by other modules: model resolution and the admin's exact version mappings. */
@Injectable()
export class CatalogService {
  /** The mappings creates are sent with (MAPPING_CACHE_MS). Admin changes read the table itself. */
  private readonly mappingsInForce = new CachedValue(MAPPING_CACHE_MS, () => this.currentMappings());

  constructor(
    @InjectRepository(ModelMappingEntity) private readonly mappings: Repository<ModelMappingEntity>,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  /** The spec of a requested model name, or a 400 that says which name to use. */
  resolveRequestedModel(requested: string, param = 'model'): ModelSpec {
    const r = resolveModelName(requested);
    if (!r.ok) throw DomainError.invalid(param, r.message);
    return r.model;
  }

  /**
   * The upstream model id a create sends for this stable model. Filter-Off needs an exact mapping to a
   * Filter-Off version: with none, or one that points at a normal model, it is 503 model_mapping_required.
   */
  async upstreamModelFor(model: ModelSpec): Promise<string> {
    const all = await this.mappingsInForce.get();
    const mapped = all.get(model.name);
    if (!model.filterOff) return mapped ?? (model.officialUpstream as string);
    if (!mapped) {
      throw new DomainError(
        'model_mapping_required',
        `Model \`${model.name}\` has no exact Filter-Off version mapping; ask the platform to configure one.`,
        'model',
      );
    }
    if (this.normalUpstreamIds(all).has(mapped)) {
      throw new DomainError(
        'model_mapping_required',
        `Model \`${model.name}\` is mapped to a normal Dreamina model; a Filter-Off version mapping is required.`,
        'model',
      );
    }
    return mapped;
  }

  /**
   * The stable model an upstream model id most likely belongs to (for tasks no record owns): an admin's current
   * mapping first, then the official versions; undefined for an id arkgate does not know.
   */
  async stableModelForUpstream(upstreamId: string): Promise<string | undefined> {
    for (const [model, mapped] of await this.mappingsInForce.get()) if (mapped === upstreamId) return model;
    return MODELS.find((m) => m.officialUpstream === upstreamId)?.name;
  }

  async listMappings(): Promise<ModelMappingView[]> {
    const rows = new Map((await this.mappings.find()).map((r) => [r.model, r]));
    return MODELS.map((m) => {
      const row = rows.get(m.name);
      return {
        model: m.name,
        upstream_model: row?.upstreamModel ?? m.officialUpstream,
        official_upstream_model: m.officialUpstream,
        pinned: !!row,
        filter_off: m.filterOff,
        updated_at: row?.updatedAt ? isoTime(row.updatedAt) : null,
      };
    });
  }

  async getMapping(model: string): Promise<ModelMappingView> {
    const spec = this.stableModelOrThrow(model);
    return (await this.listMappings()).find((v) => v.model === spec.name) as ModelMappingView;
  }

  /** Pins a model to an exact upstream version or endpoint; refuses mappings that would blur Filter-Off. */
  async setMapping(model: string, upstreamModel: unknown, ctx: RequestContext): Promise<ModelMappingView> {
    const spec = this.stableModelOrThrow(model);
    if (typeof upstreamModel !== 'string' || !UPSTREAM_ID.test(upstreamModel)) {
      throw DomainError.invalid('upstream_model', 'upstream_model must be an upstream model id or endpoint id (ep-…).');
    }
    const all = await this.currentMappings();
    if (spec.filterOff) {
      const normals = this.normalUpstreamIds(all);
      if (normals.has(upstreamModel)) {
        throw DomainError.invalid(
          'upstream_model',
          `\`${upstreamModel}\` is a normal Dreamina model; \`${spec.name}\` must map to an exact Filter-Off version.`,
        );
      }
    } else {
      for (const other of MODELS.filter((m) => m.filterOff)) {
        if (all.get(other.name) === upstreamModel) {
          throw DomainError.invalid(
            'upstream_model',
            `\`${upstreamModel}\` is the Filter-Off version mapped for \`${other.name}\`; a normal model cannot share it.`,
          );
        }
      }
    }
    const previous = all.get(spec.name) ?? null;
    await this.uow.transaction(async (m) => {
      await m.getRepository(ModelMappingEntity).save(this.mappings.create({ model: spec.name, upstreamModel, updatedAt: Date.now() }));
      await this.audit.record(m, {
        action: 'admin.model_mapping.put',
        ctx,
        tenantId: null,
        targetId: spec.name,
        outcome: { status: 200 },
        properties: { upstream_model: upstreamModel, previous },
      });
    });
    this.mappingsInForce.clear();
    return this.getMapping(spec.name);
  }

  /** Removes a pin: normal models go back to their official version, Filter-Off to unmapped. */
  async deleteMapping(model: string, ctx: RequestContext): Promise<ModelMappingView> {
    const spec = this.stableModelOrThrow(model);
    const previous = (await this.currentMappings()).get(spec.name) ?? null;
    await this.uow.transaction(async (m) => {
      await m.getRepository(ModelMappingEntity).delete({ model: spec.name });
      await this.audit.record(m, {
        action: 'admin.model_mapping.delete',
        ctx,
        tenantId: null,
        targetId: spec.name,
        outcome: { status: 200 },
        properties: { previous },
      });
    });
    this.mappingsInForce.clear();
    return this.getMapping(spec.name);
  }

  private stableModelOrThrow(model: string): ModelSpec {
    const r = resolveModelName(model);
    if (!r.ok) throw new DomainError('not_found', r.message, 'model');
    return modelSpec(r.model.name) as ModelSpec;
  }

  private async currentMappings(): Promise<Map<string, string>> {
    return new Map((await this.mappings.find()).map((r) => [r.model, r.upstreamModel]));
  }

  /** Official ids of normal models plus whatever they are pinned to now. */
  private normalUpstreamIds(all: Map<string, string>): Set<string> {
    const ids = new Set(officialNormalUpstreamIds());
    for (const m of MODELS.filter((x) => !x.filterOff)) {
      const pinned = all.get(m.name);
      if (pinned) ids.add(pinned);
    }
    return ids;
  }
}

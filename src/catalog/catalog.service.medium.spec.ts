import { mediumModule } from '../../test/support/test-module';
import { systemContext } from '../common/http/request-context';

const ctx = systemContext();
import { DomainError } from '../common/errors/domain-error';
import { modelSpec } from './catalog-rules';
import { CatalogModule } from './catalog.module';
import { CatalogService } from './catalog.service';

const spec = (n: string) => modelSpec(n)!;

describe('CatalogService (medium)', () => {
  let catalog: CatalogService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const m = await mediumModule([CatalogModule]);
    catalog = m.moduleRef.get(CatalogService);
    close = m.close;
  });
  afterAll(async () => close());

  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (e) {
      return (e as DomainError).key;
    }
  };

  it('normal models default to their official version; a pin overrides it', async () => {
    expect(await catalog.upstreamModelFor(spec('dreamina-seedance-2-0-mini'))).toBe('dreamina-seedance-2-0-mini-260615');
    await catalog.setMapping('dreamina-seedance-2-0-mini', 'ep-mini-pinned', ctx);
    expect(await catalog.upstreamModelFor(spec('dreamina-seedance-2-0-mini'))).toBe('ep-mini-pinned');
    await catalog.deleteMapping('dreamina-seedance-2-0-mini', ctx);
    expect(await catalog.upstreamModelFor(spec('dreamina-seedance-2-0-mini'))).toBe('dreamina-seedance-2-0-mini-260615');
  });

  it('Filter-Off without a mapping → model_mapping_required; with one → that version', async () => {
    expect(await code(catalog.upstreamModelFor(spec('dreamina-seedance-2-0-filter-off')))).toBe('model_mapping_required');
    await catalog.setMapping('dreamina-seedance-2-0-filter-off', 'ep-fo', ctx);
    expect(await catalog.upstreamModelFor(spec('dreamina-seedance-2-0-filter-off'))).toBe('ep-fo');
  });

  it('refuses Filter-Off onto a normal id or pin, and a normal pin onto a Filter-Off version', async () => {
    expect(await code(catalog.setMapping('dreamina-seedance-2-0-fast-filter-off', 'dreamina-seedance-2-0-fast-260128', ctx))).toBe('invalid_request');
    await catalog.setMapping('dreamina-seedance-2-0-fast', 'ep-fast-pin', ctx);
    expect(await code(catalog.setMapping('dreamina-seedance-2-0-fast-filter-off', 'ep-fast-pin', ctx))).toBe('invalid_request');
    expect(await code(catalog.setMapping('dreamina-seedance-2-0', 'ep-fo', ctx))).toBe('invalid_request');
  });

  it('accepts an alias as the model to map and reports it under the stable name', async () => {
    const v = await catalog.setMapping('dreamina-seedance-2-0-260128', 'dreamina-seedance-2-0-260128', ctx);
    expect(v).toMatchObject({ model: 'dreamina-seedance-2-0', pinned: true });
  });
});

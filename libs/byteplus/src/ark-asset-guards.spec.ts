import {
  arkAssetGroupListProblem,
  arkAssetGroupProblem,
  arkAssetListProblem,
  arkAssetProblem,
  arkCreatedIdProblem,
  arkOpenApiEnvelopeProblem,
} from './ark-asset-guards';

const group = {
  Id: 'group-20260412163933-zwxdc',
  Name: 'g',
  Description: '',
  GroupType: 'AIGC',
  ProjectName: 'default',
  CreateTime: '2026-04-12T16:39:33Z',
  UpdateTime: '2026-04-12T16:39:33Z',
};
const asset = {
  Id: 'asset-20260320120147-pqwhc',
  Name: 'a',
  URL: 'https://tos.example/a.png?X-Tos-Expires=43200',
  AssetType: 'Image',
  GroupId: group.Id,
  Status: 'Active',
  ProjectName: 'default',
  CreateTime: '2026-03-20T12:01:47Z',
  UpdateTime: '2026-03-20T12:01:50Z',
};

describe('arkOpenApiEnvelopeProblem', () => {
  it('accepts metadata and a Result, whatever the Result is', () => {
    expect(arkOpenApiEnvelopeProblem({ ResponseMetadata: { RequestId: 'r' }, Result: {} })).toBeNull();
    expect(arkOpenApiEnvelopeProblem({ ResponseMetadata: {}, Result: null })).toBeNull();
  });

  it.each([[null], [[]], ['x'], [{ Result: {} }], [{ ResponseMetadata: 'r', Result: {} }], [{ ResponseMetadata: {} }]])('refuses %j', (value) => {
    expect(arkOpenApiEnvelopeProblem(value)).toEqual(expect.any(String));
  });
});

describe('arkCreatedIdProblem', () => {
  it('accepts an Id', () => expect(arkCreatedIdProblem({ Id: 'asset-1' })).toBeNull());
  it.each([[null], [{}], [{ Id: '' }], [{ Id: 1 }], [[{ Id: 'a' }]]])('refuses %j', (value) => {
    expect(arkCreatedIdProblem(value)).toEqual(expect.any(String));
  });
});

describe('arkAssetGroupProblem and arkAssetProblem', () => {
  it('accept full objects, with unknown fields kept allowed', () => {
    expect(arkAssetGroupProblem({ ...group, Extra: { x: 1 } })).toBeNull();
    expect(arkAssetProblem({ ...asset, Extra: 1 })).toBeNull();
    expect(arkAssetProblem({ ...asset, Status: 'Failed', Error: { Code: 'FaceMismatch', Message: 'no' } })).toBeNull();
    expect(arkAssetProblem({ Id: 'a', Status: 'Pending' })).toBeNull();
  });

  it.each([
    ['a group without Id', () => arkAssetGroupProblem({ ...group, Id: undefined })],
    ['a group with a numeric Name', () => arkAssetGroupProblem({ ...group, Name: 1 })],
    ['an asset without Id', () => arkAssetProblem({ ...asset, Id: '' })],
    ['an asset with an unknown Status', () => arkAssetProblem({ ...asset, Status: 'Inactive' })],
    ['an asset without Status', () => arkAssetProblem({ ...asset, Status: undefined })],
    ['an asset with a lower-case AssetType', () => arkAssetProblem({ ...asset, AssetType: 'image' })],
    ['an asset with a non-string URL', () => arkAssetProblem({ ...asset, URL: { href: 'x' } })],
    ['an asset with an Error without Code', () => arkAssetProblem({ ...asset, Status: 'Failed', Error: 'boom' })],
  ])('refuse %s', (_name, problem) => {
    expect(problem()).toEqual(expect.any(String));
  });
});

describe('list problems', () => {
  it('accept Items with a TotalCount', () => {
    expect(arkAssetGroupListProblem({ Items: [group], TotalCount: 1, PageNumber: 1, PageSize: 10 })).toBeNull();
    expect(arkAssetListProblem({ Items: [], TotalCount: 0 })).toBeNull();
  });

  it.each([
    ['no Items', () => arkAssetListProblem({ TotalCount: 0 })],
    ['Items not an array', () => arkAssetListProblem({ Items: {}, TotalCount: 0 })],
    ['no TotalCount', () => arkAssetListProblem({ Items: [] })],
    ['a negative TotalCount', () => arkAssetGroupListProblem({ Items: [], TotalCount: -1 })],
    ['a string PageSize', () => arkAssetGroupListProblem({ Items: [], TotalCount: 0, PageSize: '10' })],
    ['a bad asset', () => arkAssetListProblem({ Items: [{ ...asset, Status: 'Done' }], TotalCount: 1 })],
    ['a bad group', () => arkAssetGroupListProblem({ Items: [{}], TotalCount: 1 })],
  ])('refuse a list with %s', (_name, problem) => {
    expect(problem()).toEqual(expect.any(String));
  });
});

/** The seeds' asset-library requests and responses (§9), as Swagger examples and for the e2e tests. */
export const ASSET_REQUEST_EXAMPLES = {
  CreateAssetGroup: {
    summary: 'CreateAssetGroup: a group for your assets',
    value: { model: 'dreamina-seedance-2-0-fast', Name: 'campaign-product-shots', GroupType: 'AIGC', Description: 'Assets for product videos' },
  },
  CreateAsset: {
    summary: 'CreateAsset: an image from a URL into a group (replace GroupId with yours)',
    value: {
      model: 'dreamina-seedance-2-0-fast',
      GroupId: 'group-20260611210000-abcd1',
      URL: 'https://example.com/product.png',
      AssetType: 'Image',
      Name: 'product-front.png',
    },
  },
  GetAsset: {
    summary: 'GetAsset: one of your assets (replace Id with yours)',
    value: { model: 'dreamina-seedance-2-0-fast', Id: 'asset-20260611210100-efgh2' },
  },
  GetAssetGroup: {
    summary: 'GetAssetGroup: one of your groups (replace Id with yours)',
    value: { model: 'dreamina-seedance-2-0-fast', Id: 'group-20260611210000-abcd1' },
  },
  ListAssets: {
    summary: 'ListAssets of some groups (replace GroupIds with yours)',
    value: { model: 'dreamina-seedance-2-0-fast', Filter: { GroupType: 'AIGC', GroupIds: ['group-20260611210000-abcd1'] }, PageNumber: 1, PageSize: 20 },
  },
  ListAssetsSingleGroup: {
    summary: 'ListAssets of one group, single-group form (replace GroupId with yours)',
    value: {
      model: 'dreamina-seedance-2-0-fast',
      GroupId: 'group-20260611210000-abcd1',
      Filter: { GroupType: 'AIGC', GroupId: 'group-20260611210000-abcd1' },
      PageNumber: 1,
      PageSize: 20,
    },
  },
  ListAssetGroups: {
    summary: 'ListAssetGroups by name',
    value: { model: 'dreamina-seedance-2-0-fast', Filter: { Name: 'campaign' }, PageNumber: 1, PageSize: 20 },
  },
};

const META = { RequestId: '20260611210000A1B2C3D4E5F60718293A', Version: '2024-01-01', Service: 'ark', Region: 'ap-southeast-1' };

export const ASSET_RESPONSE_EXAMPLES = {
  CreateAssetGroup: { value: { ResponseMetadata: { ...META, Action: 'CreateAssetGroup' }, Result: { Id: 'group-20260611210000-abcd1' } } },
  CreateAsset: { value: { ResponseMetadata: { ...META, Action: 'CreateAsset' }, Result: { Id: 'asset-20260611210100-efgh2' } } },
  GetAsset: {
    value: {
      ResponseMetadata: { ...META, Action: 'GetAsset' },
      Result: {
        Id: 'asset-20260611210100-efgh2',
        Name: 'product-front.png',
        URL: 'https://…',
        AssetType: 'Image',
        GroupId: 'group-20260611210000-abcd1',
        Status: 'Active',
        CreateTime: '2026-06-11T21:01:00Z',
        UpdateTime: '2026-06-11T21:01:09Z',
        model: 'dreamina-seedance-2-0-fast',
      },
    },
  },
  ListAssets: {
    value: {
      ResponseMetadata: { ...META, Action: 'ListAssets' },
      Result: {
        Items: [{ Id: 'asset-20260611210100-efgh2', GroupId: 'group-20260611210000-abcd1', AssetType: 'Image', Status: 'Active' }],
        TotalCount: 1,
        PageNumber: 1,
        PageSize: 20,
      },
    },
  },
};

export const ASSET_ERROR_EXAMPLES = {
  moderation_skip_not_allowed: {
    value: {
      ResponseMetadata: {
        ...META,
        Action: 'CreateAsset',
        Error: { Code: 'moderation_skip_not_allowed', Message: 'Moderation.Strategy=Skip is not allowed on this platform.' },
      },
    },
  },
  InvalidAction: {
    value: {
      ResponseMetadata: {
        ...META,
        Action: 'DeleteAsset',
        Error: { Code: 'InvalidAction', Message: 'Action DeleteAsset is not available: assets and groups cannot be updated or deleted through this platform.' },
      },
    },
  },
  'ResourceNotFound.Asset': {
    value: {
      ResponseMetadata: {
        ...META,
        Action: 'GetAsset',
        Error: { Code: 'ResourceNotFound.Asset', Message: 'Asset `asset-…` does not exist or does not belong to this account.' },
      },
    },
  },
};

import {
  arkAssetGroupListProblem,
  arkAssetGroupProblem,
  arkAssetListProblem,
  arkAssetProblem,
  arkCreatedIdProblem,
  arkOpenApiEnvelopeProblem,
} from './ark-asset-guards';
import {
  ARK_OPENAPI_SERVICE,
  ARK_OPENAPI_VERSION,
  type ArkAsset,
  type ArkAssetGroup,
  type ArkAssetGroupList,
  type ArkAssetList,
  type ArkCreatedId,
  type ArkOpenApiRequestOptions,
  type ArkOpenApiResponse,
  type CreateAssetGroupParams,
  type CreateAssetParams,
  type GetByIdParams,
  type ListAssetGroupsParams,
  type ListAssetsParams,
} from './ark-asset-types';
import { ArkOpenApiError, ArkUnavailableError } from './ark-errors';
import { exchange, parseJsonAnswer, parseLenient } from './http-exchange';
import { signRequest } from './openapi-signer';

export interface ArkOpenApiClientOptions {
  /** Control-plane base, e.g. `https://open.byteplusapi.com`. */
  baseUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Signing region, e.g. `ap-southeast-1`. */
  region: string;
  /** Whole-call limit (connect, headers and body). */
  timeoutMs: number;
  /** Signing service; default `ark`. */
  service?: string;
  /** `Version` query parameter; default `2024-01-01`. */
  version?: string;
  /** Session token of temporary credentials, sent as X-Security-Token. */
  sessionToken?: string;
  /** Clock used for X-Date; default Date.now. */
  now?: () => number;
}

/**
 * Client of the BytePlus ModelArk asset library: `POST {baseUrl}/?Action=X&Version=2024-01-01`, JSON body,
 * signed V4. Upstream 4xx (or any answer carrying `ResponseMetadata.Error`) → ArkOpenApiError;
 * 5xx, timeouts, connection failures and 2xx answers of the wrong shape → ArkUnavailableError.
 * A caller's own abort signal rejects with that signal's reason.
 */
export class ArkOpenApiClient {
  private readonly baseUrl: string;
  private readonly service: string;
  private readonly version: string;
  private readonly now: () => number;

  constructor(private readonly opts: ArkOpenApiClientOptions) {
    if (!opts.baseUrl) throw new Error('ArkOpenApiClient needs a baseUrl');
    if (!(opts.timeoutMs > 0)) throw new Error('ArkOpenApiClient needs a positive timeoutMs');
    if (!opts.region) throw new Error('ArkOpenApiClient needs a region');
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.service = opts.service ?? ARK_OPENAPI_SERVICE;
    this.version = opts.version ?? ARK_OPENAPI_VERSION;
    this.now = opts.now ?? Date.now;
  }

  createAssetGroup(params: CreateAssetGroupParams, options?: ArkOpenApiRequestOptions): Promise<ArkOpenApiResponse<ArkCreatedId>> {
    return this.checked('CreateAssetGroup', params, arkCreatedIdProblem, options);
  }

  getAssetGroup(params: GetByIdParams, options?: ArkOpenApiRequestOptions): Promise<ArkOpenApiResponse<ArkAssetGroup>> {
    return this.checked('GetAssetGroup', params, arkAssetGroupProblem, options);
  }

  listAssetGroups(params: ListAssetGroupsParams = {}, options?: ArkOpenApiRequestOptions): Promise<ArkOpenApiResponse<ArkAssetGroupList>> {
    return this.checked('ListAssetGroups', params, arkAssetGroupListProblem, options);
  }

  createAsset(params: CreateAssetParams, options?: ArkOpenApiRequestOptions): Promise<ArkOpenApiResponse<ArkCreatedId>> {
    return this.checked('CreateAsset', params, arkCreatedIdProblem, options);
  }

  getAsset(params: GetByIdParams, options?: ArkOpenApiRequestOptions): Promise<ArkOpenApiResponse<ArkAsset>> {
    return this.checked('GetAsset', params, arkAssetProblem, options);
  }

  listAssets(params: ListAssetsParams = {}, options?: ArkOpenApiRequestOptions): Promise<ArkOpenApiResponse<ArkAssetList>> {
    return this.checked('ListAssets', params, arkAssetListProblem, options);
  }

  /**
   * Any action. The answer is checked to be an envelope with a Result; the shape of the Result is the caller's
   * to check (the typed helpers above do).
   */
  async call<T>(action: string, body: object, options?: ArkOpenApiRequestOptions): Promise<ArkOpenApiResponse<T>> {
    if (typeof action !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(action)) throw new TypeError('action must be an alphanumeric name');
    const url = `${this.baseUrl}/?${new URLSearchParams({ Action: action, Version: this.version }).toString()}`;
    const payload = JSON.stringify(body ?? {});
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (options?.requestId) headers['X-Client-Request-Id'] = options.requestId;
    const signed = signRequest({
      method: 'POST',
      url,
      headers,
      body: payload,
      accessKeyId: this.opts.accessKeyId,
      secretAccessKey: this.opts.secretAccessKey,
      sessionToken: this.opts.sessionToken,
      region: this.opts.region,
      service: this.service,
      now: this.now(),
    });

    const { status, text } = await exchange({
      url,
      method: 'POST',
      headers: signed.headers,
      body: payload,
      timeoutMs: this.opts.timeoutMs,
      signal: options?.signal,
      label: action,
    });
    if (status >= 400) throw new ArkOpenApiError(status, parseLenient(text));
    const answer = parseJsonAnswer(text, action, status);
    if (hasMetadataError(answer)) throw new ArkOpenApiError(status, answer);
    const problem = arkOpenApiEnvelopeProblem(answer);
    if (problem) throw new ArkUnavailableError('bad_response', `Unexpected upstream answer to ${action}: ${problem}`, status);
    return answer as ArkOpenApiResponse<T>;
  }

  private async checked<T>(
    action: string,
    body: object,
    problemOf: (value: unknown) => string | null,
    options: ArkOpenApiRequestOptions | undefined,
  ): Promise<ArkOpenApiResponse<T>> {
    const answer = await this.call<T>(action, body, options);
    const problem = problemOf(answer.Result);
    if (problem) throw new ArkUnavailableError('bad_response', `Unexpected upstream answer to ${action}: ${problem}`);
    return answer;
  }
}

function hasMetadataError(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const metadata = (answer as { ResponseMetadata?: unknown }).ResponseMetadata;
  if (typeof metadata !== 'object' || metadata === null) return false;
  const error = (metadata as { Error?: unknown }).Error;
  return typeof error === 'object' && error !== null;
}

import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsIP, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { parseDnsOverrides } from '../common/net/host-resolver';

export type Profile = 'phanedge' | 'kapon';
export type UpstreamKind = 'byteplus' | 'sandbox';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; schema?: string };

/** The typed configuration every module reads; built once at boot from the environment. */
export interface AppConfig {
  port: number;
  /** Listen address: 127.0.0.1 with the sandbox (a demo token is printed), else 0.0.0.0. */
  host: string;
  /** Request log: pino level, and one JSON line per request or pretty lines for a terminal. */
  log: { level: LogLevel; format: LogFormat };
  /** When set, `/metrics` is also served without a token on this port. */
  metricsPort?: number;
  database: DatabaseConfig;
  redisUrl?: string;
  adminToken?: string;
  profile: Profile;
  upstream: UpstreamKind;
  ark: {
    baseUrl: string;
    apiKey?: string;
    openApiUrl: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    region: string;
    projectName: string;
    timeoutMs: number;
  };
  dnsOverrides: Map<string, string[]>;
  maxBodyMb: number;
  demo: boolean;
  sandboxPort: number;
  /** File that keeps the built-in sandbox's tasks and assets across restarts; null: in memory only. */
  sandboxStateFile: string | null;
  defaultRateLimitPerMinute: number;
  sync: {
    enabled: boolean;
    /** Upstream calls per second this instance's background sync may make (a list of up to 50 tasks, or a GET of one). */
    ratePerSecond: number;
    /** Wait after the 1st, 2nd, … look at an unfinished task; the last one repeats. */
    backoffMs: number[];
    leaseMs: number;
    intervalMs: number;
  };
  /** Ports allowed in callback, asset and content media URLs (docs/contract.md §10). */
  allowedUrlPorts: number[];
  /** HMAC key of the audit chain; unset: a plain SHA-256 chain (docs/contract.md §10). */
  auditKey?: string;
  /** Unauthenticated requests allowed per client address and minute (docs/contract.md §10). */
  unauthRatePerMinute: number;
  /** Unknown upstream outcomes (docs/contract.md §9). */
  reconcile: {
    /** How long a create with an unknown outcome looks for its upstream task before answering 502. */
    inlineMs: number;
    /** After this long an unresolved record is flagged for the operator. */
    deadlineMs: number;
    /** How often the background reconciler runs. */
    intervalMs: number;
    enabled: boolean;
    /**
     * Slack after ARK_TIMEOUT_MS: a `submitting` record this much older than the timeout is a crashed instance's,
     * and a record's matching window closes twice this after the timeout (docs/contract.md §9: 30 s and 60 s).
     */
    graceMs: number;
  };
  /** SIGTERM: how long in-flight requests may drain (docs/contract.md §9). */
  shutdownGraceMs: number;
  /** Folder of the built web console served at /console; unset: `dist/console` of this package. */
  consoleDir?: string;
}

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** The environment as read: one property per variable, each with the rule it must meet. */
class EnvironmentVariables {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIP(undefined, { message: 'must be an IP address to listen on (127.0.0.1, 0.0.0.0, ::)' })
  HOST?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn([...LOG_LEVELS])
  LOG_LEVEL?: LogLevel;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: LogFormat;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'must be postgres://… or sqlite:PATH',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\/.+/, { message: 'must be redis://…' })
  REDIS_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @Matches(/^oh-[A-Za-z0-9_-]{16,}$/, {
    message: 'must start with oh- followed by at least 16 characters of [A-Za-z0-9_-]',
  })
  ARKGATE_ADMIN_TOKEN?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['phanedge', 'kapon'])
  ARKGATE_PROFILE?: Profile;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['byteplus', 'sandbox'])
  ARKGATE_UPSTREAM?: UpstreamKind;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  ARK_BASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ARK_API_KEY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  ARK_OPENAPI_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ARK_ACCESS_KEY_ID?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ARK_SECRET_ACCESS_KEY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9-]+$/, { message: 'must look like ap-southeast-1' })
  ARK_REGION?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be a project name' })
  ARK_PROJECT_NAME?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ARKGATE_DNS_OVERRIDES?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600000)
  ARK_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  ARKGATE_MAX_BODY_MB?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['true', 'false'])
  ARKGATE_DEMO?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  ARKGATE_SANDBOX_PORT?: number;

  @IsOptional()
  @IsString()
  ARKGATE_SANDBOX_STATE?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  ARKGATE_DEFAULT_RATE_LIMIT?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['true', 'false'])
  ARKGATE_SYNC_ENABLED?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  ARKGATE_SYNC_RPS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^\d+(,\d+)*$/, { message: 'must be a comma-separated list of milliseconds' })
  ARKGATE_SYNC_BACKOFF_MS?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3600000)
  ARKGATE_SYNC_LEASE_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  ARKGATE_SYNC_INTERVAL_MS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^\d{1,5}(,\d{1,5})*$/, { message: 'must be a comma-separated list of ports' })
  ARKGATE_ALLOWED_URL_PORTS?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  ARKGATE_AUDIT_KEY?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  ARKGATE_UNAUTH_RATE_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  ARKGATE_RECONCILE_INLINE_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(604800)
  ARKGATE_RECONCILE_DEADLINE_S?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600000)
  ARKGATE_RECONCILE_INTERVAL_MS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['true', 'false'])
  ARKGATE_RECONCILE_ENABLED?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  ARKGATE_RECONCILE_GRACE_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  ARKGATE_SHUTDOWN_GRACE_MS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  ARKGATE_CONSOLE_DIR?: string;
}

/** Every variable arkgate reads, in the order they are checked. */
export const VARIABLES = [
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'METRICS_PORT',
  'DATABASE_URL',
  'REDIS_URL',
  'ARKGATE_ADMIN_TOKEN',
  'ARKGATE_PROFILE',
  'ARKGATE_UPSTREAM',
  'ARK_BASE_URL',
  'ARK_API_KEY',
  'ARK_OPENAPI_URL',
  'ARK_ACCESS_KEY_ID',
  'ARK_SECRET_ACCESS_KEY',
  'ARK_REGION',
  'ARK_PROJECT_NAME',
  'ARKGATE_DNS_OVERRIDES',
  'ARK_TIMEOUT_MS',
  'ARKGATE_MAX_BODY_MB',
  'ARKGATE_DEMO',
  'ARKGATE_SANDBOX_PORT',
  'ARKGATE_SANDBOX_STATE',
  'ARKGATE_DEFAULT_RATE_LIMIT',
  'ARKGATE_SYNC_ENABLED',
  'ARKGATE_SYNC_RPS',
  'ARKGATE_SYNC_BACKOFF_MS',
  'ARKGATE_SYNC_LEASE_MS',
  'ARKGATE_SYNC_INTERVAL_MS',
  'ARKGATE_ALLOWED_URL_PORTS',
  'ARKGATE_AUDIT_KEY',
  'ARKGATE_UNAUTH_RATE_PER_MINUTE',
  'ARKGATE_RECONCILE_INLINE_MS',
  'ARKGATE_RECONCILE_DEADLINE_S',
  'ARKGATE_RECONCILE_INTERVAL_MS',
  'ARKGATE_RECONCILE_ENABLED',
  'ARKGATE_RECONCILE_GRACE_MS',
  'ARKGATE_SHUTDOWN_GRACE_MS',
  'ARKGATE_CONSOLE_DIR',
] as const;

/** Thrown for a bad environment; its message is one line naming the variable. */
export class ConfigError extends Error {}

function parseDatabaseUrl(raw: string | undefined): DatabaseConfig {
  const value = raw ?? 'sqlite:./data/arkgate.sqlite';
  if (value.startsWith('sqlite:')) return { type: 'sqlite', path: value.slice('sqlite:'.length) };
  const url = new URL(value);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { type: 'postgres', url: url.toString(), schema };
}

/** The order in which a variable's failed rules are reported: its type before its range. */
const RULE_ORDER = ['isInt', 'isString', 'isIn', 'matches', 'isUrl', 'isIP', 'min', 'max', 'minLength'];

/** The one reason reported for a variable: the first failed rule in RULE_ORDER (`PORT=abc` is not an integer, not too large). */
function firstReason(constraints: Record<string, string>): string | undefined {
  const ranked = Object.keys(constraints).sort((a, b) => rank(a) - rank(b));
  return ranked.length > 0 ? constraints[ranked[0]] : undefined;
}

function rank(rule: string): number {
  const i = RULE_ORDER.indexOf(rule);
  return i < 0 ? RULE_ORDER.length : i;
}

/** Reads and validates the environment; throws ConfigError on the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.fromEntries(VARIABLES.map((k) => [k, env[k]]));
  const vars = plainToInstance(EnvironmentVariables, known);
  const errors = validateSync(vars, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const e = errors[0];
    const reason = firstReason(e.constraints ?? {})?.replace(`${e.property} `, '') ?? 'is invalid';
    throw new ConfigError(`${e.property} ${reason} (got ${JSON.stringify(env[e.property])})`);
  }
  let dnsOverrides = new Map<string, string[]>();
  if (vars.ARKGATE_DNS_OVERRIDES) {
    try {
      dnsOverrides = parseDnsOverrides(vars.ARKGATE_DNS_OVERRIDES);
    } catch (err) {
      throw new ConfigError(`ARKGATE_DNS_OVERRIDES ${(err as Error).message}`);
    }
  }
  let database: DatabaseConfig;
  try {
    database = parseDatabaseUrl(vars.DATABASE_URL);
  } catch {
    throw new ConfigError(`DATABASE_URL is not a valid URL (got ${JSON.stringify(env.DATABASE_URL)})`);
  }
  const upstream: UpstreamKind = vars.ARKGATE_UPSTREAM ?? (vars.ARK_API_KEY ? 'byteplus' : 'sandbox');
  if (upstream === 'byteplus' && !vars.ARK_API_KEY) {
    throw new ConfigError('ARK_API_KEY is required when ARKGATE_UPSTREAM=byteplus');
  }
  return {
    port: vars.PORT ?? 3000,
    host: vars.HOST ?? (upstream === 'sandbox' ? '127.0.0.1' : '0.0.0.0'),
    log: { level: vars.LOG_LEVEL ?? 'info', format: vars.LOG_FORMAT ?? (upstream === 'sandbox' ? 'pretty' : 'json') },
    metricsPort: vars.METRICS_PORT,
    database,
    redisUrl: vars.REDIS_URL,
    adminToken: vars.ARKGATE_ADMIN_TOKEN,
    profile: vars.ARKGATE_PROFILE ?? 'phanedge',
    upstream,
    ark: {
      baseUrl: (vars.ARK_BASE_URL ?? 'https://ark.ap-southeast.bytepluses.com/api/v3').replace(/\/+$/, ''),
      apiKey: vars.ARK_API_KEY,
      openApiUrl: (vars.ARK_OPENAPI_URL ?? 'https://open.byteplusapi.com').replace(/\/+$/, ''),
      accessKeyId: vars.ARK_ACCESS_KEY_ID,
      secretAccessKey: vars.ARK_SECRET_ACCESS_KEY,
      region: vars.ARK_REGION ?? 'ap-southeast-1',
      projectName: vars.ARK_PROJECT_NAME ?? 'default',
      timeoutMs: vars.ARK_TIMEOUT_MS ?? 20000,
    },
    dnsOverrides,
    maxBodyMb: vars.ARKGATE_MAX_BODY_MB ?? 64,
    demo: vars.ARKGATE_DEMO ? vars.ARKGATE_DEMO === 'true' : upstream === 'sandbox',
    sandboxPort: vars.ARKGATE_SANDBOX_PORT ?? 0,
    sandboxStateFile: vars.ARKGATE_SANDBOX_STATE === undefined ? 'data/sandbox-state.json' : vars.ARKGATE_SANDBOX_STATE || null,
    defaultRateLimitPerMinute: vars.ARKGATE_DEFAULT_RATE_LIMIT ?? 600,
    sync: {
      enabled: vars.ARKGATE_SYNC_ENABLED !== 'false',
      ratePerSecond: vars.ARKGATE_SYNC_RPS ?? 20,
      backoffMs: (vars.ARKGATE_SYNC_BACKOFF_MS ?? '2000,5000,10000,20000,30000').split(',').map(Number),
      leaseMs: vars.ARKGATE_SYNC_LEASE_MS ?? 30000,
      intervalMs: vars.ARKGATE_SYNC_INTERVAL_MS ?? 500,
    },
    allowedUrlPorts: [...new Set([443, ...(vars.ARKGATE_ALLOWED_URL_PORTS ?? '443,8443').split(',').map(Number)])].filter((p) => p >= 1 && p <= 65535),
    auditKey: vars.ARKGATE_AUDIT_KEY,
    unauthRatePerMinute: vars.ARKGATE_UNAUTH_RATE_PER_MINUTE ?? 300,
    reconcile: {
      inlineMs: vars.ARKGATE_RECONCILE_INLINE_MS ?? 10000,
      deadlineMs: (vars.ARKGATE_RECONCILE_DEADLINE_S ?? 900) * 1000,
      intervalMs: vars.ARKGATE_RECONCILE_INTERVAL_MS ?? 60000,
      enabled: vars.ARKGATE_RECONCILE_ENABLED !== 'false',
      graceMs: vars.ARKGATE_RECONCILE_GRACE_MS ?? 30000,
    },
    shutdownGraceMs: vars.ARKGATE_SHUTDOWN_GRACE_MS ?? 10000,
    consoleDir: vars.ARKGATE_CONSOLE_DIR,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

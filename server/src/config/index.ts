import { yup } from '@strapi/utils';
import { isAddressOrRange } from '../utils/client-address';
import {
  CAN_OPEN_DIALOG_CONCURRENCY,
  CAN_OPEN_DIALOG_TIMEOUT_MS,
  DIALOG_TOKENS_RULE,
  EXTEND_USERS_CONCURRENCY,
  type CanOpenDialog,
  type ExtendUsers,
  type FriendsOf,
} from './hooks';
import { DASHBOARD_TIMEOUT_MS, IMBACHAT_API_URL, imbachatApiUrlProblem } from '../utils/imbachat-api-url';
import { SETTING_KEYS, castConfigValue, checkSetting, isSettingKey, type Settings } from '../../../contract';

export interface ThrottleRule {
  /** Failed attempts allowed within the window; the next one answers 429. */
  max: number;
  windowSeconds: number;
}

/**
 * `config/plugins` → `imbachat.config`. A setting given here is locked: it wins over the
 * value saved in the admin, and the admin page shows it read-only.
 */
export interface PluginConfig extends Partial<Settings> {
  throttle: {
    basicAuth: ThrottleRule;
    authUsers: ThrottleRule;
    /** Addresses and CIDR ranges never locked out: the chat server's own, say. */
    trustedIps: string[];
  };
  /** How long one instance may serve settings it read from the database. */
  settingsCacheMs: number;
  /** The site's hook over every batch of chat users (README: "Adding to the user objects"). */
  extendUsers?: ExtendUsers;
  /** Hook calls one instance runs at once; beyond, a request is answered without the hook. */
  extendUsersConcurrency: number;
  /** Notifications waiting in the outbox at most; beyond, the notifications route answers 503. */
  outboxMax: number;
  /** The site's rule for "Write message" (README: "Dialog tokens"); longer than the timeout, it refuses. */
  canOpenDialog?: CanOpenDialog;
  canOpenDialogTimeoutMs: number;
  /** Hook calls one instance runs at once (timed-out ones until they settle); beyond, a request is refused. */
  canOpenDialogConcurrency: number;
  /** Dialog tokens one user may get per window, counted across instances. */
  dialogTokens: ThrottleRule;
  /** ImbaChat's API, asked for the moderation dashboard's support user: https, or http to a loopback address. */
  imbachatApiUrl: string;
  dashboardTimeoutMs: number;
  /** The site's own friends of a user (README: "Friends"); wins over `friendsField`. */
  friendsOf?: FriendsOf;
}

const OPERATIONAL_KEYS = ['throttle', 'settingsCacheMs', 'extendUsers', 'extendUsersConcurrency', 'outboxMax',
  'canOpenDialog', 'canOpenDialogTimeoutMs', 'canOpenDialogConcurrency', 'dialogTokens', 'imbachatApiUrl', 'dashboardTimeoutMs', 'friendsOf'] as const;

const throttleRule = yup
  .object({
    max: yup.number().integer().min(1).max(1_000_000).required(),
    windowSeconds: yup.number().integer().min(1).max(86_400).required(),
  })
  .noUnknown(true, '${path} has an unknown key: ${unknown} (a rule has only max and windowSeconds)');

const operationalSchemas = {
  throttle: yup
    .object({
      basicAuth: throttleRule,
      authUsers: throttleRule,
      trustedIps: yup
        .array(
          yup
            .string()
            .typeError('${path} must be an address or a CIDR range')
            .test('address', '${path} must be an IP address or a CIDR range such as 203.0.113.0/24', (value) =>
              value === undefined ? false : isAddressOrRange(value)
            )
        )
        .typeError('${path} must be a list of addresses and CIDR ranges'),
    })
    .noUnknown(true, '${path} has an unknown key: ${unknown} (throttle has only basicAuth, authUsers and trustedIps)'),
  settingsCacheMs: yup.number().integer().min(0).max(60_000),
  outboxMax: yup.number().integer().min(1).max(1_000_000),
  extendUsers: yup
    .mixed()
    .test('function', '${path} must be a function (users, { strapi, route }) => users', (value) => value === undefined || value === null || typeof value === 'function'),
  extendUsersConcurrency: yup.number().integer().min(1).max(100),
  canOpenDialog: yup
    .mixed()
    .test('function', '${path} must be a function ({ initiator, user_id }, { strapi }) => "default" | "need_access" | false', (value) => value === undefined || value === null || typeof value === 'function'),
  canOpenDialogTimeoutMs: yup.number().integer().min(10).max(60_000),
  canOpenDialogConcurrency: yup.number().integer().min(1).max(100),
  dialogTokens: throttleRule,
  imbachatApiUrl: yup.mixed().test('url', (value, context) => {
    const problem = imbachatApiUrlProblem(value);
    return problem ? context.createError({ message: `\${path} ${problem}` }) : true;
  }),
  dashboardTimeoutMs: yup.number().integer().min(10).max(60_000),
  friendsOf: yup
    .mixed()
    .test('function', '${path} must be a function (userId, { strapi }) => ids or users', (value) => value === undefined || value === null || typeof value === 'function'),
};

const defaultConfig: PluginConfig = {
  throttle: {
    basicAuth: { max: 50, windowSeconds: 900 },
    authUsers: { max: 10, windowSeconds: 900 },
    trustedIps: [],
  },
  settingsCacheMs: 750,
  extendUsersConcurrency: EXTEND_USERS_CONCURRENCY,
  outboxMax: 10_000,
  canOpenDialogTimeoutMs: CAN_OPEN_DIALOG_TIMEOUT_MS,
  canOpenDialogConcurrency: CAN_OPEN_DIALOG_CONCURRENCY,
  dialogTokens: { ...DIALOG_TOKENS_RULE },
  imbachatApiUrl: IMBACHAT_API_URL,
  dashboardTimeoutMs: DASHBOARD_TIMEOUT_MS,
};

/** A config value that counts as "not set", so the admin's stored value is used. */
export const isUnset = (value: unknown) => value === undefined || value === null || value === '';

const fail = (key: string, reason: string): never => {
  throw new Error(`[imbachat] config/plugins: imbachat.config.${key} ${reason}`);
};

const validator = (config: Record<string, unknown>) => {
  for (const [key, value] of Object.entries(config ?? {})) {
    if (isSettingKey(key)) {
      if (isUnset(value)) continue;
      // The operator may set what an admin may not (any https script host): audience 'config'.
      const problem = checkSetting(key, castConfigValue(key, value), 'config');
      if (problem) fail(key, `is invalid: ${problem.message}`);
    } else if ((OPERATIONAL_KEYS as readonly string[]).includes(key)) {
      try {
        // Not strict, so an env var's "8" passes as 8; but casting alone would drop an unknown key
        // (yup's noUnknown strips while casting) before noUnknown's test sees it: stripUnknown off.
        operationalSchemas[key as (typeof OPERATIONAL_KEYS)[number]].validateSync(value, { strict: false, stripUnknown: false });
      } catch (error) {
        fail(key, `is invalid: ${(error as Error).message.replace(/^this\b/, 'the value')}`);
      }
    } else {
      fail(key, `is not a known key. Known keys: ${[...SETTING_KEYS, ...OPERATIONAL_KEYS].join(', ')}`);
    }
  }
};

export default { default: defaultConfig, validator };

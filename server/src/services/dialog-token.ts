import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { DialogStatus, DialogToken, Settings } from '../../../contract';
import { PLUGIN_ID } from '../constants';
import type { PluginConfig } from '../config';
import { siteUsers } from '../repositories/site-users';
import { throttleTable } from '../repositories/throttle-table';
import { CAN_OPEN_DIALOG_CONCURRENCY, type CanOpenDialog } from '../config/hooks';
import { answerKind, dialogStatusOf } from '../utils/dialog-answer';
import { FailureWindows } from '../utils/failure-windows';
import { logEvery } from '../utils/log-every';
import { guardedHook } from './guarded-hook';
import { signHs256 } from './chat-token';

/** The throttle table's bucket for dialog tokens: one window per initiator. */
const BUCKET = 'dialogToken';
const SWEEP_EVERY_MS = 60_000;
/**
 * Dialog tokens for "Write message", as ImbaChat's WordPress plugin signs them: HS256 over exactly
 * `{user_id, initiator, status, exp}` with the widget's Secret key. The site's `canOpenDialog` hook
 * decides the status, or refuses; a hook that throws, hangs or answers anything else refuses.
 */
const dialogTokenService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;
  const users = siteUsers(strapi);
  const table = throttleTable(strapi);
  const report = logEvery((message) => strapi.log.warn(message), 60_000);
  let local: FailureWindows | undefined;
  let sweptAt = 0;
  const guard = guardedHook();

  /** Counts one token for the initiator; seconds until the next is allowed when over the limit, else 0. */
  const spend = async (initiator: number, now: number): Promise<number> => {
    const { max, windowSeconds } = config().dialogTokens;
    const key = String(initiator);
    let used: { failures: number; remainingMs: number };
    try {
      used = await table.increment(BUCKET, key, windowSeconds * 1000);
    } catch {
      // The database is away: this instance counts alone until it is back.
      if (local?.max !== max) local = new FailureWindows(max);
      const window = local.increment(key, windowSeconds * 1000, now);
      used = { failures: window.failures, remainingMs: window.resetAt - now };
    }
    if (now - sweptAt > SWEEP_EVERY_MS) {
      sweptAt = now;
      table.removeExpired().catch(() => undefined);
    }
    return used.failures > max ? Math.max(1, Math.ceil(used.remainingMs / 1000)) : 0;
  };

  /** The hook's verdict; every way it can fail is a refusal, logged (at most once a minute per kind). */
  const askHook = async (hook: CanOpenDialog, initiator: number, userId: number): Promise<DialogStatus | 'refused'> => {
    const timeoutMs = config().canOpenDialogTimeoutMs;
    const refuse = (kind: string, problem: string) => {
      report(`canOpenDialog-${kind}`, `config/plugins imbachat.config.canOpenDialog ${problem}; the dialog was refused (each kind of failure is logged at most once a minute)`);
      return 'refused' as const;
    };
    // An env var gives a string ("8"), which the start-up check lets through.
    const limit = Number(config().canOpenDialogConcurrency ?? CAN_OPEN_DIALOG_CONCURRENCY);
    // Refused rather than queued: a hung dependency cannot pile calls (or waiting requests) up.
    const outcome = await guard.run(() => hook({ initiator, user_id: userId }, { strapi }), { timeoutMs, limit });
    if (!outcome.ok) {
      const suffix = outcome.failure === 'busy' ? ` (canOpenDialogConcurrency: ${limit})` : '';
      return refuse(outcome.failure, outcome.problem + suffix);
    }
    const answer = outcome.value;
    const status = dialogStatusOf(answer);
    if (status === null) return refuse(`junk-${answerKind(answer)}`, `answered ${answerKind(answer)} instead of "default", "need_access" or false`);
    return status;
  };

  return {
    /** canOpenDialog calls started and not settled yet (those a timeout gave up on included). */
    hookCallsInFlight: guard.inFlight,

    /**
     * A dialog token from `initiator` (the logged-in user) to `userId`. ValidationError for oneself,
     * RateLimitError (details.retryAfter) past the limit, NotFoundError for an unknown or blocked
     * user (one query, one answer for both), ForbiddenError when the site refuses.
     */
    async issue(initiator: number, userId: number, settings: Pick<Settings, 'secretKey' | 'tokenTtlSeconds'>, nowMs = Date.now()): Promise<DialogToken> {
      if (userId === initiator) throw new errors.ValidationError('user_id is your own id: a dialog needs another user');
      const retryAfter = await spend(initiator, nowMs);
      if (retryAfter > 0) throw new errors.RateLimitError('Too many dialog tokens, try again later', { retryAfter });

      const account = await users.accountState(userId);
      if (!account || account.blocked) throw new errors.NotFoundError('No such user');

      const hook = config().canOpenDialog;
      const status = typeof hook === 'function' ? await askHook(hook, initiator, userId) : 0;
      if (status === 'refused') throw new errors.ForbiddenError('You cannot write to this user');

      const exp = Math.floor(nowMs / 1000) + settings.tokenTtlSeconds;
      const token = signHs256({ user_id: userId, initiator, status, exp }, settings.secretKey);
      return { token, user_id: userId, status, expires_at: exp };
    },
  };
};

export default dialogTokenService;

import type { PublicSettings, PublicUrlCheck, SecretKey, StatusResponse } from '../../../contract';
import { within } from './relative-time';

/** The four values an admin copies from the ImbaChat cabinet, in the cabinet's order. */
export const CABINET_KEYS = ['widgetId', 'apiLogin', 'apiPassword', 'secretKey'] as const;
export type CabinetKey = (typeof CABINET_KEYS)[number];

/** "The chat server has called" means a call it made with credentials and got an answer to, within this long. */
export const CALLED_WITHIN_SECONDS = 24 * 3600;

export type ChecklistItem =
  | { id: 'cabinet'; done: boolean; missing: CabinetKey[] }
  | { id: 'public-url'; done: boolean | null; check: PublicUrlCheck | null }
  | { id: 'test-api'; done: boolean | null; lastTest: StatusResponse['data']['lastTest'] }
  | { id: 'chat-server'; done: boolean | null; lastSuccess: string | null };

const secretSaved = (settings: PublicSettings, key: SecretKey) =>
  (key === 'apiPassword' ? settings.apiPasswordSet : settings.secretKeySet) && !settings.unreadableSecrets.includes(key);

/**
 * The Connection page's setup checklist from what is saved and the chat server's status (null
 * while it cannot be had: those items are then unknown, `done: null`).
 */
export const setupChecklist = (
  settings: PublicSettings,
  publicUrl: PublicUrlCheck | undefined,
  status: StatusResponse['data'] | null,
  now: number
): ChecklistItem[] => {
  const missing = CABINET_KEYS.filter((key) => (key === 'apiPassword' || key === 'secretKey' ? !secretSaved(settings, key) : settings[key] === ''));
  const check = publicUrl ?? status?.publicUrl ?? null;
  // The version route needs no credentials: anyone's browser may call it.
  const successes = (status?.routes ?? [])
    .filter((route) => route.route !== 'version' && route.lastSuccess)
    .map((route) => route.lastSuccess!.at)
    .sort();
  const lastSuccess = successes.length ? successes[successes.length - 1] : null;
  return [
    { id: 'cabinet', done: missing.length === 0, missing },
    { id: 'public-url', done: check ? check.reachable : null, check },
    { id: 'test-api', done: status ? status.lastTest?.ok === true : null, lastTest: status?.lastTest ?? null },
    { id: 'chat-server', done: status ? within(lastSuccess, CALLED_WITHIN_SECONDS, now) : null, lastSuccess },
  ];
};

import { SETTING_RULES } from '../../../contract';
import { bodyObject, optionalString } from './request-input';
import { fieldsValidationError } from './field-errors';

/** POST /imbachat/settings/test, read once at the edge. */
export interface ApiTestInput {
  userIds: string;
  /** The admin's form's values, when sent: tested instead of the saved ones, and stored nowhere. */
  apiLogin?: string;
  apiPassword?: string;
}

const USER_IDS_MAX_LENGTH = 200;

/** A ValidationError naming the field, as the settings' own errors do (the value is never echoed). */
const invalid = (field: string, message: string) => fieldsValidationError([{ key: field, message: `${field} ${message}` }]);

/** One of the form's credentials, by the setting's own rule (length, no ":" in a login); '' or absent means the saved one. */
const credential = (value: unknown, field: 'apiLogin' | 'apiPassword'): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  const verdict = SETTING_RULES[field].check(value, 'admin');
  if (verdict) throw invalid(field, verdict[1]);
  return value;
};

export const parseApiTestRequest = (body: unknown): ApiTestInput => {
  const input = bodyObject(body);
  return {
    userIds: optionalString(input.user_ids, 'user_ids', USER_IDS_MAX_LENGTH) ?? '',
    apiLogin: credential(input.apiLogin, 'apiLogin'),
    apiPassword: credential(input.apiPassword, 'apiPassword'),
  };
};

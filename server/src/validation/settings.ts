import { checkSettingsUpdate, type SettingsUpdate } from '../../../contract';
import { fieldsValidationError } from './field-errors';

/** The body of `PUT /imbachat/settings`, read once at the edge by the contract's rules. */
export const parseSettingsUpdate = (input: unknown): SettingsUpdate => {
  const { update, problems } = checkSettingsUpdate(input ?? {});
  if (problems.length > 0) throw fieldsValidationError(problems);
  return update;
};

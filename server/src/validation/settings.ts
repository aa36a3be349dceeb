import { errors } from '@strapi/utils';
import { checkSettingsUpdate, type SettingProblem, type SettingsUpdate } from '../../../contract';

/** Strapi's ValidationError for refused settings, one detail per field (as Strapi's own validation gives). */
export const settingsValidationError = (problems: SettingProblem[]) =>
  new errors.ValidationError(problems.length === 1 ? problems[0].message : `${problems.length} errors occurred`, {
    errors: problems.map(({ key, message }) => ({ path: [key], message, name: 'ValidationError' })),
  });

/** The body of `PUT /imbachat/settings`, read once at the edge by the contract's rules. */
export const parseSettingsUpdate = (input: unknown): SettingsUpdate => {
  const { update, problems } = checkSettingsUpdate(input ?? {});
  if (problems.length > 0) throw settingsValidationError(problems);
  return update;
};

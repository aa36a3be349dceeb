import { Field, NumberInput, SingleSelect, SingleSelectOption, TextInput, Toggle } from '@strapi/design-system';
import { useField } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { t } from '../utils/translation';
import type { SecretKey } from '../../../contract';
import type { FormValues } from '../utils/form-values';

export interface Option {
  value: string;
  label: string;
}

interface SettingInputProps {
  /** The role map has a section of its own (RolesSection). */
  name: Exclude<keyof FormValues, SecretKey | 'roleMap'>;
  type: 'text' | 'number' | 'toggle' | 'select';
  options?: Option[];
  /** Read-only for this admin, or locked by config/plugins. */
  disabled: boolean;
  locked: boolean;
}

// Select options cannot have an empty value: this stands for "none".
const NONE = '__none__';

/** One setting: label, control, hint (or why it is locked) and the validation message. */
export const SettingInput = ({ name, type, options = [], disabled, locked }: SettingInputProps) => {
  const { formatMessage } = useIntl();
  const field = useField(name);
  const hint = locked
    ? formatMessage(t('field.locked'), { key: name })
    : formatMessage(t(`field.${name}.hint`), { widgetId: '{widgetId}', id: '{id}', username: '{username}', documentId: '{documentId}', siteUrl: '{siteUrl}', firstName: '{firstName}', lastName: '{lastName}' });
  const label = formatMessage(t(`field.${name}.label`));
  const set = (value: unknown) => field.onChange(name, value);

  let control: React.ReactNode;
  if (type === 'number') {
    // Emptied, it holds '': the contract refuses that on save, where null would restore the default.
    control = (
      <NumberInput
        value={typeof field.value === 'number' ? field.value : undefined}
        onValueChange={(value: number | undefined) => set(value ?? '')}
        disabled={disabled}
      />
    );
  } else if (type === 'toggle') {
    control = (
      <Toggle
        checked={Boolean(field.value)}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(event.target.checked)}
        onLabel={formatMessage(t('toggle.on'))}
        offLabel={formatMessage(t('toggle.off'))}
        disabled={disabled}
      />
    );
  } else if (type === 'select') {
    control = (
      <SingleSelect
        value={field.value === '' ? NONE : String(field.value ?? '')}
        onChange={(value: string | number) => set(value === NONE ? '' : String(value))}
        disabled={disabled}
      >
        {options.map((option) => (
          <SingleSelectOption key={option.value} value={option.value === '' ? NONE : option.value}>
            {option.label}
          </SingleSelectOption>
        ))}
      </SingleSelect>
    );
  } else {
    control = (
      <TextInput
        value={String(field.value ?? '')}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(event.target.value)}
        disabled={disabled}
      />
    );
  }

  return (
    <Field.Root name={name} id={`imbachat-${name}`} hint={hint} error={field.error}>
      <Field.Label>{label}</Field.Label>
      {control}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};

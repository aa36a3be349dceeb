import { Field, TextInput, Textarea } from '@strapi/design-system';
import { useField } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { NOTIFY_PLACEHOLDERS, type SettingKey } from '../../../../contract';
import { t } from '../../utils/translation';
import { Notice } from '../../components/Notice';
import { Cell, Section } from '../../components/Section';
import { SettingInput } from '../../components/SettingInput';

// The hints name the placeholders: each is shown as itself.
const PLACEHOLDERS = Object.fromEntries(NOTIFY_PLACEHOLDERS.map((key) => [key, `{${key}}`]));

interface TemplateInputProps {
  name: 'notifySubject' | 'notifyText';
  disabled: boolean;
  locked: boolean;
}

/** An email template: one line for the subject, a text area for the text. */
const TemplateInput = ({ name, disabled, locked }: TemplateInputProps) => {
  const { formatMessage } = useIntl();
  const field = useField<string>(name);
  const hint = locked ? formatMessage(t('field.locked'), { key: name }) : formatMessage(t(`field.${name}.hint`), PLACEHOLDERS);
  const set = (value: string) => field.onChange(name, value);
  return (
    <Field.Root name={name} id={`imbachat-${name}`} hint={hint} error={field.error}>
      <Field.Label>{formatMessage(t(`field.${name}.label`))}</Field.Label>
      {name === 'notifyText' ? (
        <Textarea
          value={field.value ?? ''}
          onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => set(event.target.value)}
          disabled={disabled}
          rows={8}
        />
      ) : (
        <TextInput
          value={field.value ?? ''}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => set(event.target.value)}
          disabled={disabled}
        />
      )}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};

interface NotificationsSectionProps {
  readOnly: boolean;
  locked(key: SettingKey): boolean;
  /** users-permissions' "Enable email confirmation": off, every address is taken as it was typed. */
  emailConfirmation: boolean;
}

/**
 * Settings → ImbaChat → Email notifications: what the notifications URL does when ImbaChat's
 * chat server calls it. The email goes through Strapi's email plugin, whatever its provider.
 */
export const NotificationsSection = ({ readOnly, locked, emailConfirmation }: NotificationsSectionProps) => {
  const { formatMessage } = useIntl();
  const off = (key: SettingKey) => readOnly || locked(key);
  return (
    <Section
      title={formatMessage(t('section.notifications'))}
      description={formatMessage(t('section.notifications.description'))}
      testId="notifications"
    >
      {!emailConfirmation && (
        <Cell col={12}>
          <Notice variant="warning" title={formatMessage(t('notifications.unconfirmed.title'))} data-testid="email-confirmation-off">
            {formatMessage(t('notifications.unconfirmed'))}
          </Notice>
        </Cell>
      )}
      <Cell>
        <SettingInput name="notifyByEmail" type="toggle" locked={locked('notifyByEmail')} disabled={off('notifyByEmail')} />
      </Cell>
      <Cell>
        <SettingInput name="siteUrl" type="text" locked={locked('siteUrl')} disabled={off('siteUrl')} />
      </Cell>
      <Cell>
        <SettingInput name="notifyEveryMinutes" type="number" locked={locked('notifyEveryMinutes')} disabled={off('notifyEveryMinutes')} />
      </Cell>
      <Cell>
        <SettingInput name="notifyMaxPerMinute" type="number" locked={locked('notifyMaxPerMinute')} disabled={off('notifyMaxPerMinute')} />
      </Cell>
      <Cell col={12}>
        <TemplateInput name="notifySubject" locked={locked('notifySubject')} disabled={off('notifySubject')} />
      </Cell>
      <Cell col={12}>
        <TemplateInput name="notifyText" locked={locked('notifyText')} disabled={off('notifyText')} />
      </Cell>
    </Section>
  );
};

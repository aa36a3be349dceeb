import { Badge, Box, Button, Field, Flex, TextInput } from '@strapi/design-system';
import { useField } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { t, type MessageKey } from '../../utils/translation';
import type { SecretKey } from './types';

interface SecretInputProps {
  name: SecretKey;
  /** Whether the server holds a value: the value itself never reaches the browser. */
  isSet: boolean;
  disabled: boolean;
  locked: boolean;
}

/**
 * A write-only setting: never pre-filled. Typing replaces the stored value, Remove clears it
 * (sent as null); leaving it empty keeps what is stored.
 */
export const SecretInput = ({ name, isSet, disabled, locked }: SecretInputProps) => {
  const { formatMessage } = useIntl();
  const field = useField<string | null>(name);
  const clearing = field.value === null;
  const hint = locked ? formatMessage(t('field.locked'), { key: name }) : formatMessage(t(`field.${name}.hint` as MessageKey));
  const status: MessageKey = clearing ? 'secret.will-clear' : isSet ? 'secret.set' : 'secret.not-set';

  return (
    <Field.Root name={name} id={`imbachat-${name}`} hint={hint} error={field.error}>
      <Field.Label
        action={
          <Badge
            data-testid={`${name}-status`}
            backgroundColor={clearing ? 'danger100' : isSet ? 'success100' : 'neutral150'}
            textColor={clearing ? 'danger700' : isSet ? 'success700' : 'neutral700'}
          >
            {formatMessage(t(status))}
          </Badge>
        }
      >
        {formatMessage(t(`field.${name}.label` as MessageKey))}
      </Field.Label>
      <Flex gap={2} alignItems="flex-start">
        <Box flex="1">
          <TextInput
            type="password"
            autoComplete="new-password"
            value={field.value ?? ''}
            placeholder={formatMessage(t(isSet ? 'secret.placeholder-set' : 'secret.placeholder-empty'))}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => field.onChange(name, event.target.value)}
            disabled={disabled || clearing}
          />
        </Box>
        {isSet && !locked && (
          <Button
            variant={clearing ? 'secondary' : 'danger-light'}
            size="L"
            disabled={disabled}
            onClick={() => field.onChange(name, clearing ? '' : null)}
          >
            {formatMessage(t(clearing ? 'secret.undo-clear' : 'secret.clear'))}
          </Button>
        )}
      </Flex>
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};

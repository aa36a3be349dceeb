import { Badge, Box, Button, Field, Flex, TextInput, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useField } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { t, type MessageKey } from '../utils/translation';
import type { SecretKey } from '../../../contract';

interface SecretInputProps {
  name: SecretKey;
  /** Whether the server holds a value: the value itself never reaches the browser. */
  isSet: boolean;
  /** The server holds a value it cannot decrypt any more: it must be entered again. */
  unreadable: boolean;
  disabled: boolean;
  locked: boolean;
  /** Shorter values are accepted but warned about, the saved one included when `savedTooShort`. */
  shortWarning?: ShortWarning;
}

export interface ShortWarning {
  recommendedLength: number;
  savedTooShort: boolean;
  /** What to say about a short value being typed, and about a short one already saved. */
  typed: MessageKey;
  saved: MessageKey;
}

type Status = 'secret.will-clear' | 'secret.unreadable' | 'secret.set' | 'secret.not-set';

const BADGE_COLORS: Record<Status, [background: string, text: string]> = {
  'secret.will-clear': ['danger100', 'danger700'],
  'secret.unreadable': ['danger100', 'danger700'],
  'secret.set': ['success100', 'success700'],
  'secret.not-set': ['neutral150', 'neutral700'],
};

/**
 * A write-only setting: never pre-filled. Typing replaces the stored value, Remove clears it
 * (sent as null); leaving it empty keeps what is stored.
 */
export const SecretInput = ({ name, isSet, unreadable, disabled, locked, shortWarning }: SecretInputProps) => {
  const { formatMessage } = useIntl();
  const field = useField<string | null>(name);
  const clearing = field.value === null;
  const typed = field.value ?? '';
  const hint = locked ? formatMessage(t('field.locked'), { key: name }) : formatMessage(t(`field.${name}.hint`));
  const status: Status = clearing ? 'secret.will-clear' : unreadable ? 'secret.unreadable' : isSet ? 'secret.set' : 'secret.not-set';
  const [background, text] = BADGE_COLORS[status];

  // A warning, not an error: the value can still be saved.
  let warning: MessageKey | null = null;
  if (shortWarning && !clearing) {
    if (typed !== '') warning = typed.length < shortWarning.recommendedLength ? shortWarning.typed : null;
    else if (shortWarning.savedTooShort) warning = shortWarning.saved;
  }

  return (
    <Field.Root name={name} id={`imbachat-${name}`} hint={hint} error={field.error}>
      <Field.Label
        action={
          <Badge data-testid={`${name}-status`} backgroundColor={background} textColor={text}>
            {formatMessage(t(status))}
          </Badge>
        }
      >
        {formatMessage(t(`field.${name}.label`))}
      </Field.Label>
      <Flex gap={2} alignItems="flex-start">
        <Box flex="1">
          <TextInput
            type="password"
            autoComplete="new-password"
            value={typed}
            placeholder={formatMessage(t(isSet ? 'secret.placeholder-set' : 'secret.placeholder-empty'))}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => field.onChange(name, event.target.value)}
            disabled={disabled || clearing}
          />
        </Box>
        {(isSet || unreadable) && !locked && (
          <Button
            data-testid={`${name}-remove`}
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
      {warning && !locked && (
        <Flex gap={1} alignItems="flex-start" data-testid={`${name}-warning`}>
          <WarningCircle fill="warning600" width="1.2rem" height="1.2rem" aria-hidden style={{ flexShrink: 0, marginTop: '0.2rem' }} />
          <Typography variant="pi" textColor="warning700">
            {formatMessage(t(warning), { min: shortWarning?.recommendedLength })}
          </Typography>
        </Flex>
      )}
    </Field.Root>
  );
};

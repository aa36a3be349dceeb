import { Alert } from '@strapi/design-system';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { t } from '../utils/translation';
import type { SecretKey } from '../../../contract';

/**
 * Secrets saved in the database that the server can no longer decrypt: Strapi's encryption key
 * changed or went missing. The site still runs, but what needs them answers 503 until the admin
 * enters them again (the inputs below say which) or restores the key.
 */
export const UnreadableSecretsAlert = ({ secrets }: { secrets: SecretKey[] }) => {
  const { formatMessage, formatList } = useIntl();
  const [hidden, setHidden] = useState(false);
  if (secrets.length === 0 || hidden) return null;

  const count = secrets.length;
  const names = formatList(secrets.map((key) => formatMessage(t(`field.${key}.label`))), { type: 'conjunction' });
  const sentences = [
    formatMessage(t('unreadable.cause'), { count, names }),
    formatMessage(t('unreadable.effects'), {
      effects: formatList(
        secrets.map((key) => formatMessage(t(`unreadable.effect.${key}`))),
        { type: 'conjunction' }
      ),
    }),
    formatMessage(t('unreadable.fix'), { count }),
  ];

  return (
    <Alert
      variant="danger"
      data-testid="unreadable-secrets"
      title={formatMessage(t('unreadable.title'), { count })}
      closeLabel={formatMessage(t('unreadable.hide'))}
      onClose={() => setHidden(true)}
    >
      {sentences.join(' ')}
    </Alert>
  );
};

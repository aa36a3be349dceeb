import { Flex, Grid, LinkButton, Typography } from '@strapi/design-system';
import { ExternalLink } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { API_PASSWORD_RECOMMENDED_LENGTH } from '../../../../contract';
import { SecretInput } from '../../components/SecretInput';
import { Cell, Section } from '../../components/Section';
import { SettingInput } from '../../components/SettingInput';
import type { PageContext } from '../../components/SettingsPage';
import { t } from '../../utils/translation';

/** Where an ImbaChat widget is created and its settings live (the integration guide's "user account"). */
export const CABINET_URL = 'https://imbachat.com';

/** The four values from the widget's settings in the ImbaChat cabinet, under the cabinet's own names. */
export const CabinetValues = ({ settings, locked, disabled }: PageContext) => {
  const { formatMessage } = useIntl();
  return (
    <Section title={formatMessage(t('section.cabinet'))} grid={false} testId="cabinet-values">
      <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
        <Typography variant="pi" textColor="neutral600" style={{ flex: '1 1 40rem' }}>
          {formatMessage(t('section.cabinet.description'))}
        </Typography>
        <LinkButton href={CABINET_URL} target="_blank" rel="noopener noreferrer" variant="secondary" endIcon={<ExternalLink />} data-testid="cabinet-link">
          {formatMessage(t('cabinet.open'))}
        </LinkButton>
      </Flex>
      <Grid.Root gap={5}>
        <Cell>
          <SettingInput name="widgetId" type="text" locked={locked('widgetId')} disabled={disabled('widgetId')} />
        </Cell>
        <Cell>
          <SettingInput name="apiLogin" type="text" locked={locked('apiLogin')} disabled={disabled('apiLogin')} />
        </Cell>
        <Cell>
          <SecretInput
            name="apiPassword"
            isSet={settings.apiPasswordSet}
            unreadable={settings.unreadableSecrets.includes('apiPassword')}
            locked={locked('apiPassword')}
            disabled={disabled('apiPassword')}
            shortWarning={{
              recommendedLength: API_PASSWORD_RECOMMENDED_LENGTH,
              savedTooShort: settings.apiPasswordShort,
              typed: 'field.apiPassword.short-typed',
              saved: 'field.apiPassword.short-saved',
            }}
          />
        </Cell>
        <Cell>
          <SecretInput
            name="secretKey"
            isSet={settings.secretKeySet}
            unreadable={settings.unreadableSecrets.includes('secretKey')}
            locked={locked('secretKey')}
            disabled={disabled('secretKey')}
          />
        </Cell>
      </Grid.Root>
    </Section>
  );
};

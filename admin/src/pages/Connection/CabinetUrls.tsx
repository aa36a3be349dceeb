import { Button, Flex, Grid, Typography } from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { Endpoints, PublicUrlCheck } from '../../../../contract';
import { CopyField } from '../../components/CopyField';
import { PublicUrlWarning } from '../../components/PublicUrlWarning';
import { Cell, Section } from '../../components/Section';
import { useCopy } from '../../hooks/use-copy';
import { t } from '../../utils/translation';

/** The addresses the widget's settings in the cabinet ask for, in its order. */
export const CABINET_ENDPOINTS = ['usersInfo', 'search', 'authUsers', 'notifications'] as const;

interface CabinetUrlsProps {
  endpoints: Endpoints;
  publicUrl: PublicUrlCheck | null | undefined;
}

/** The plugin's URLs to paste into the cabinet, each under the cabinet's label, with copy buttons and "Copy all". */
export const CabinetUrls = ({ endpoints, publicUrl }: CabinetUrlsProps) => {
  const { formatMessage } = useIntl();
  const copy = useCopy();
  const label = (key: (typeof CABINET_ENDPOINTS)[number]) => formatMessage(t(`endpoints.${key}`));
  const all = CABINET_ENDPOINTS.map((key) => `${label(key)}: ${endpoints[key]}`).join('\n');

  return (
    <Section title={formatMessage(t('section.cabinet-urls'))} grid={false} testId="cabinet-urls">
      <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
        <Typography variant="pi" textColor="neutral600" style={{ flex: '1 1 40rem' }}>
          {formatMessage(t('section.cabinet-urls.description'))}
        </Typography>
        <Button variant="secondary" startIcon={<Duplicate />} onClick={() => copy(all)} data-testid="copy-all">
          {formatMessage(t('copy.all'))}
        </Button>
      </Flex>
      <PublicUrlWarning check={publicUrl} />
      <Grid.Root gap={5}>
        {CABINET_ENDPOINTS.map((key) => (
          <Cell key={key}>
            <CopyField id={key} label={label(key)} value={endpoints[key]} hint={formatMessage(t(`endpoints.${key}.hint`))} />
          </Cell>
        ))}
      </Grid.Root>
    </Section>
  );
};

/** The addresses the site's front end uses, apart from the cabinet's; and the one anyone can open to see the site answer. */
export const FrontEndUrls = ({ endpoints }: { endpoints: Endpoints }) => {
  const { formatMessage } = useIntl();
  return (
    <Section title={formatMessage(t('section.front-end-urls'))} description={formatMessage(t('section.front-end-urls.description'))} testId="front-end-urls">
      {(['token', 'widget', 'version'] as const).map((key) => (
        <Cell key={key}>
          <CopyField id={key} label={formatMessage(t(`endpoints.${key}`))} value={endpoints[key]} hint={formatMessage(t(`endpoints.${key}.hint`))} />
        </Cell>
      ))}
    </Section>
  );
};

import { Box, Field, Flex, IconButton, TextInput } from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';
import { useClipboard, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { t } from '../../utils/translation';
import { Cell, Section } from './Section';
import type { Endpoints } from '../../../../contract';

const ORDER: (keyof Endpoints)[] = ['usersInfo', 'search', 'authUsers', 'notifications', 'version', 'token', 'widget'];

/** The URLs to paste into the ImbaChat cabinet and the front end, each with a copy button. */
export const EndpointsPanel = ({ endpoints }: { endpoints: Endpoints }) => {
  const { formatMessage } = useIntl();
  const { copy } = useClipboard();
  const { toggleNotification } = useNotification();

  return (
    <Section title={formatMessage(t('endpoints.title'))} description={formatMessage(t('endpoints.description'))}>
      {ORDER.map((key) => {
        const name = formatMessage(t(`endpoints.${key}`));
        return (
          <Cell key={key}>
            <Field.Root name={`endpoint-${key}`} id={`imbachat-endpoint-${key}`}>
              <Field.Label>{name}</Field.Label>
              <Flex gap={2}>
                <Box flex="1">
                  <TextInput value={endpoints[key]} readOnly data-testid={`endpoint-${key}`} />
                </Box>
                <IconButton
                  label={formatMessage(t('endpoints.copy'), { name })}
                  onClick={async () => {
                    if (await copy(endpoints[key])) {
                      toggleNotification({ type: 'success', message: formatMessage(t('endpoints.copied')) });
                    }
                  }}
                >
                  <Duplicate />
                </IconButton>
              </Flex>
            </Field.Root>
          </Cell>
        );
      })}
    </Section>
  );
};

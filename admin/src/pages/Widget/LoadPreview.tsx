import { Box, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { styled } from 'styled-components';
import { t } from '../../utils/translation';
import type { WidgetOptions } from '../../../../contract';
import { loadCallPreview } from '../../utils/widget-options';

const Code = styled.pre`
  margin: 0;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
  font-size: 1.3rem;
  line-height: 2rem;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
`;

/**
 * The call the front end makes for a logged-in user with the options being edited (saved or not),
 * so the admin sees what "widget default" leaves out.
 */
export const LoadPreview = ({ options, guests }: { options: WidgetOptions; guests: boolean }) => {
  const { formatMessage } = useIntl();
  const text = loadCallPreview(options, {
    // Angle brackets stay out of the messages: react-intl reads <…> as markup.
    userId: `<${formatMessage(t('preview.user-id'))}>`,
    token: `<${formatMessage(t('preview.token'))}>`,
  });

  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="load-preview">
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Typography variant="sigma" textColor="neutral600" tag="h3">
          {formatMessage(t('preview.title'))}
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {formatMessage(t('preview.description'))}
        </Typography>
      </Flex>
      <Box background="neutral100" color="neutral800" hasRadius borderColor="neutral200" padding={4}>
        <Code aria-label={formatMessage(t('preview.title'))} data-testid="load-preview-code">
          {text}
        </Code>
      </Box>
      <Typography variant="pi" textColor="neutral600" data-testid="load-preview-notes">
        {formatMessage(t('preview.notes'))} {formatMessage(t(guests ? 'preview.guests-on' : 'preview.guests-off'))}
      </Typography>
    </Flex>
  );
};

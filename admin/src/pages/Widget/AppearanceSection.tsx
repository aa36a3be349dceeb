import { Button, Flex, Grid, Typography } from '@strapi/design-system';
import { ArrowsCounterClockwise, Lock } from '@strapi/icons';
import { useField } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { t } from '../../utils/translation';
import type { SettingKey, WidgetOptions } from '../../../../contract';
import { LoadPreview } from './LoadPreview';
import { Cell, Section } from '../../components/Section';
import { WIDGET_OPTION_KEYS } from '../../utils/widget-options';
import { WidgetOptionSelect } from './WidgetOptionSelect';

interface AppearanceSectionProps {
  readOnly: boolean;
  locked(key: SettingKey): boolean;
}

/**
 * Settings → ImbaChat → Widget → Appearance: the options the front end passes to `ImbaChat.load`
 * (each may be left to the widget), and a preview of that call.
 */
export const AppearanceSection = ({ readOnly, locked }: AppearanceSectionProps) => {
  const { formatMessage } = useIntl();
  const guests = useField<boolean>('guests');
  const widgetOptions = useField<WidgetOptions>('widgetOptions');
  const options = widgetOptions.value ?? {};
  const optionsLocked = locked('widgetOptions');
  const disabled = readOnly || optionsLocked;
  const setOptions = (next: WidgetOptions) => widgetOptions.onChange('widgetOptions', next);

  return (
    <Section
      title={formatMessage(t('section.appearance'))}
      description={formatMessage(t('section.appearance.description'))}
      grid={false}
      testId="appearance"
    >
      <Flex justifyContent="space-between" alignItems="flex-end" gap={4}>
        <Flex direction="column" alignItems="stretch" gap={1} flex="1">
          <Typography variant="sigma" textColor="neutral600" tag="h3">
            {formatMessage(t('field.widgetOptions.label'))}
          </Typography>
          <Flex gap={2} alignItems="flex-start">
            {optionsLocked && <Lock fill="neutral500" width="1.4rem" height="1.4rem" aria-hidden />}
            <Typography variant="pi" textColor="neutral600" data-testid="widgetOptions-hint">
              {optionsLocked ? formatMessage(t('field.locked'), { key: 'widgetOptions' }) : formatMessage(t('field.widgetOptions.hint'))}
            </Typography>
          </Flex>
        </Flex>
        {!optionsLocked && (
          <Flex shrink={0}>
            <Button
              variant="tertiary"
              size="S"
              startIcon={<ArrowsCounterClockwise />}
              disabled={disabled || Object.keys(options).length === 0}
              onClick={() => setOptions({})}
              data-testid="widgetOptions-reset"
            >
              {formatMessage(t('widget-option.reset'))}
            </Button>
          </Flex>
        )}
      </Flex>
      <Grid.Root gap={5}>
        {WIDGET_OPTION_KEYS.map((key) => (
          <Cell key={key}>
            <WidgetOptionSelect optionKey={key} options={options} disabled={disabled} onChange={setOptions} />
          </Cell>
        ))}
      </Grid.Root>
      {widgetOptions.error && (
        <Typography variant="pi" textColor="danger600" data-testid="widgetOptions-error">
          {widgetOptions.error}
        </Typography>
      )}
      <LoadPreview options={options} guests={guests.value !== false} />
    </Section>
  );
};

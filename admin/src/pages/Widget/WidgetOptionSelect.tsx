import { Field, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { t } from '../../utils/translation';
import { FOLLOW_FRONT_END, type WidgetOptions } from '../../../../contract';
import { LANGUAGE_NAMES, WIDGET_DEFAULT, choiceOf, choicesOf, isFlag, valueOfChoice, withOption, type WidgetOptionKey } from '../../utils/widget-options';

interface WidgetOptionSelectProps {
  optionKey: WidgetOptionKey;
  options: WidgetOptions;
  disabled: boolean;
  onChange(options: WidgetOptions): void;
}

/** One `ImbaChat.load` option: the widget's default (left out) or one of the values it takes. */
export const WidgetOptionSelect = ({ optionKey, options, disabled, onChange }: WidgetOptionSelectProps) => {
  const { formatMessage } = useIntl();
  const choice = choiceOf(options, optionKey);

  const labelOf = (value: string): string => {
    if (isFlag(optionKey)) return formatMessage(t(value === 'true' ? 'toggle.on' : 'toggle.off'));
    if (optionKey === 'theme') return formatMessage(t(value === 'dark' ? 'widget-option.theme.dark' : 'widget-option.theme.default'));
    if (optionKey === 'position') return formatMessage(t(value === 'left' ? 'widget-option.position.left' : 'widget-option.position.right'));
    if (value === FOLLOW_FRONT_END) return formatMessage(t('widget-option.language.auto'));
    const name = LANGUAGE_NAMES[value as keyof typeof LANGUAGE_NAMES];
    return name ? `${name} (${value})` : formatMessage(t('widget-option.language.other'), { code: value });
  };
  // A stored value the list lacks (another language code, set in config or by hand) shows as itself.
  const choices = choicesOf(optionKey);
  if (choice !== WIDGET_DEFAULT && !choices.includes(choice)) choices.push(choice);

  const id = `imbachat-widgetOptions-${optionKey}`;
  return (
    <Field.Root name={id} id={id} hint={formatMessage(t(`widget-option.${optionKey}.hint`))}>
      <Field.Label>{formatMessage(t(`widget-option.${optionKey}.label`))}</Field.Label>
      <SingleSelect
        value={choice}
        disabled={disabled}
        onChange={(value: string | number) => onChange(withOption(options, optionKey, valueOfChoice(optionKey, String(value))))}
      >
        <SingleSelectOption value={WIDGET_DEFAULT}>{formatMessage(t('widget-option.default'))}</SingleSelectOption>
        {choices.map((value) => (
          <SingleSelectOption key={value} value={value}>
            {labelOf(value)}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Hint />
    </Field.Root>
  );
};

import type { SettingKey } from '../../../../contract';
import { useIntl } from 'react-intl';
import { Cell, Section } from '../../components/Section';
import { SettingInput } from '../../components/SettingInput';
import { SettingsPage, type PageContext } from '../../components/SettingsPage';
import { t } from '../../utils/translation';
import { AppearanceSection } from './AppearanceSection';
import { DashboardPanel } from './DashboardPanel';

const KEYS: readonly SettingKey[] = ['guests', 'widgetScriptUrl', 'tokenTtlSeconds', 'widgetOptions'];

/** Settings → ImbaChat → Widget: who gets the widget, where its script comes from, and how it looks. */
const WidgetSections = ({ readOnly, locked, disabled }: PageContext) => {
  const { formatMessage } = useIntl();
  return (
    <>
      <Section title={formatMessage(t('section.widget'))} description={formatMessage(t('section.widget.description'))} testId="widget">
        <Cell>
          <SettingInput name="guests" type="toggle" locked={locked('guests')} disabled={disabled('guests')} />
        </Cell>
        <Cell>
          <SettingInput name="tokenTtlSeconds" type="number" locked={locked('tokenTtlSeconds')} disabled={disabled('tokenTtlSeconds')} />
        </Cell>
        <Cell col={12}>
          <SettingInput name="widgetScriptUrl" type="text" locked={locked('widgetScriptUrl')} disabled={disabled('widgetScriptUrl')} />
        </Cell>
      </Section>
      <AppearanceSection readOnly={readOnly} locked={locked} />
      <DashboardPanel />
    </>
  );
};

const WidgetPage = () => (
  <SettingsPage page="widget" keys={KEYS}>
    {(context) => <WidgetSections {...context} />}
  </SettingsPage>
);

export default WidgetPage;

import type { SettingKey } from '../../../../contract';
import { SettingsPage, type PageContext } from '../../components/SettingsPage';
import { NotificationsSection } from './NotificationsSection';
import { TestEmailPanel } from './TestEmailPanel';
import { WebhooksPanel } from './WebhooksPanel';

const KEYS: readonly SettingKey[] = ['notifyByEmail', 'siteUrl', 'notifyEveryMinutes', 'notifyMaxPerMinute', 'notifySubject', 'notifyText'];

/** Settings → ImbaChat → Notifications: emails to users about messages they missed, a test email, and webhooks for other channels. */
const NotificationsSections = ({ meta, readOnly, locked }: PageContext) => (
  <>
    <NotificationsSection readOnly={readOnly} locked={locked} emailConfirmation={meta.emailConfirmation} />
    <TestEmailPanel provider={meta.emailProvider} canSend={!readOnly} />
    <WebhooksPanel />
  </>
);

const NotificationsPage = () => (
  <SettingsPage page="notifications" keys={KEYS}>
    {(context) => <NotificationsSections {...context} />}
  </SettingsPage>
);

export default NotificationsPage;

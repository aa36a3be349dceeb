import type { SettingKey } from '../../../../contract';
import { SettingsPage, type PageContext } from '../../components/SettingsPage';
import { UnreadableSecretsAlert } from '../../components/UnreadableSecretsAlert';
import { useChatServerStatus } from '../../hooks/use-chat-server-status';
import { setupChecklist } from '../../utils/setup-checklist';
import { CabinetUrls, FrontEndUrls } from './CabinetUrls';
import { CabinetValues } from './CabinetValues';
import { ChatServerStatus } from './ChatServerStatus';
import { SetupChecklist } from './SetupChecklist';
import { TestApiPanel } from './TestApiPanel';

const KEYS: readonly SettingKey[] = ['widgetId', 'apiLogin', 'apiPassword', 'secretKey'];

/**
 * Settings → ImbaChat → Connection: the setup checklist, the four values from the cabinet, the
 * addresses to paste back into it, Test API, and what the chat server has done since.
 */
const ConnectionSections = (context: PageContext) => {
  const { settings, meta, readOnly } = context;
  const statusState = useChatServerStatus();
  const now = Date.now() + statusState.clockOffset;
  // Before the server reports it in the settings, the status carries the same check.
  const publicUrl = meta.publicUrl ?? statusState.status?.publicUrl;
  return (
    <>
      <UnreadableSecretsAlert secrets={settings.unreadableSecrets} />
      <SetupChecklist items={setupChecklist(settings, publicUrl, statusState.status, now)} now={now} />
      <CabinetValues {...context} />
      <CabinetUrls endpoints={meta.endpoints} publicUrl={publicUrl} />
      <TestApiPanel canTest={!readOnly} onTested={() => void statusState.refresh()} />
      <ChatServerStatus state={statusState} now={now} canUnlock={!readOnly} />
      <FrontEndUrls endpoints={meta.endpoints} />
    </>
  );
};

const ConnectionPage = () => (
  <SettingsPage page="connection" keys={KEYS}>
    {(context) => <ConnectionSections {...context} />}
  </SettingsPage>
);

export default ConnectionPage;

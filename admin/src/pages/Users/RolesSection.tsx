import { Flex, Grid, Typography } from '@strapi/design-system';
import { Information, Lock } from '@strapi/icons';
import { useField } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { t } from '../../utils/translation';
import { chatIdentityOf, type RoleMap, type SettingKey, type SiteRole } from '../../../../contract';
import { MissingRoles } from './MissingRoles';
import { hasRule, missingRoleTypes, withIdentity } from '../../utils/role-map';
import { RoleCard } from './RoleCard';
import { Cell, Section } from '../../components/Section';
import { SettingInput } from '../../components/SettingInput';

interface RolesSectionProps {
  /** users-permissions roles as Strapi has them now (Public left out). */
  roles: SiteRole[];
  readOnly: boolean;
  locked(key: SettingKey): boolean;
}

const Note = ({ icon, children, testId }: { icon: React.ReactNode; children: React.ReactNode; testId: string }) => (
  <Flex gap={2} alignItems="flex-start" data-testid={testId}>
    <Flex shrink={0} paddingTop="0.2rem">
      {icon}
    </Flex>
    <Typography variant="omega" textColor="neutral700">
      {children}
    </Typography>
  </Flex>
);

/**
 * Settings → ImbaChat → Roles: whether user objects carry `chat_role` and `permissions`, and what
 * each users-permissions role gets. A role the map does not name shows the default and joins the
 * map only when the admin changes it.
 */
export const RolesSection = ({ roles, readOnly, locked }: RolesSectionProps) => {
  const { formatMessage } = useIntl();
  const roleMap = useField<RoleMap>('roleMap');
  const chatRoles = useField<boolean>('chatRoles');
  const map = roleMap.value ?? {};
  const saved = roleMap.initialValue ?? {};
  const mapLocked = locked('roleMap');
  const rulesOff = !chatRoles.value;
  const setMap = (next: RoleMap) => roleMap.onChange('roleMap', next);
  const icon = (Icon: typeof Information) => <Icon fill="neutral500" width="1.6rem" height="1.6rem" aria-hidden />;

  return (
    <Section title={formatMessage(t('section.roles'))} description={formatMessage(t('section.roles.description'))} grid={false} testId="roles">
      <Grid.Root gap={5}>
        <Cell>
          <SettingInput name="chatRoles" type="toggle" locked={locked('chatRoles')} disabled={readOnly || locked('chatRoles')} />
        </Cell>
        <Cell>
          <Flex direction="column" alignItems="stretch" gap={2}>
            <Note icon={icon(Information)} testId="roles-blocked">
              {formatMessage(t('roles.blocked'))}
            </Note>
            {mapLocked && (
              <Note icon={icon(Lock)} testId="roles-locked">
                {formatMessage(t('field.locked'), { key: 'roleMap' })}
              </Note>
            )}
            {rulesOff && !mapLocked && (
              <Note icon={icon(Information)} testId="roles-off">
                {formatMessage(t('roles.off'))}
              </Note>
            )}
          </Flex>
        </Cell>
      </Grid.Root>
      {roles.length === 0 && (
        <Typography variant="omega" textColor="neutral600">
          {formatMessage(t('roles.empty'))}
        </Typography>
      )}
      {roles.map((role) => (
        <RoleCard
          key={role.type}
          role={role}
          identity={chatIdentityOf(map, role.type)}
          isDefault={!hasRule(map, role.type)}
          disabled={readOnly || mapLocked || rulesOff}
          onChange={(identity) => setMap(withIdentity(map, saved, role.type, identity))}
        />
      ))}
      {roleMap.error && (
        <Typography variant="pi" textColor="danger600" data-testid="roleMap-error">
          {roleMap.error}
        </Typography>
      )}
      <MissingRoles types={missingRoleTypes(map, saved, roles)} map={map} saved={saved} disabled={readOnly || mapLocked} onChange={setMap} />
    </Section>
  );
};

import { Badge, Box, Field, Flex, Grid, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { t } from '../../utils/translation';
import { CHAT_PERMISSIONS, CHAT_ROLES, type ChatRole, type SiteRole } from '../../../../contract';
import { PermissionCheckbox } from './PermissionCheckbox';
import type { ChatIdentity } from '../../utils/role-map';

interface RoleCardProps {
  role: SiteRole;
  identity: ChatIdentity;
  /** The role map has no entry for it: the default (a chat user with every permission) applies. */
  isDefault: boolean;
  disabled: boolean;
  onChange(identity: ChatIdentity): void;
}

/** One users-permissions role: what it is in the chat and the ten permissions it has there. */
export const RoleCard = ({ role, identity, isDefault, disabled, onChange }: RoleCardProps) => {
  const { formatMessage } = useIntl();
  const idBase = `imbachat-role-${role.type}`;

  return (
    <Box data-testid={`role-${role.type}`} hasRadius borderColor="neutral200" padding={5}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Flex gap={2} alignItems="baseline" wrap="wrap">
              <Typography variant="delta" tag="h3" textColor={disabled ? 'neutral600' : 'neutral800'}>
                {role.name}
              </Typography>
              <Typography variant="pi" textColor="neutral600" tag="code" data-testid={`role-${role.type}-type`}>
                {role.type}
              </Typography>
              {isDefault && (
                <Badge title={formatMessage(t('roles.default.title'))} data-testid={`role-${role.type}-default`}>
                  {formatMessage(t('roles.default'))}
                </Badge>
              )}
            </Flex>
            {role.description && (
              <Typography variant="pi" textColor="neutral600">
                {role.description}
              </Typography>
            )}
          </Flex>
          <Box width="24rem">
            <Field.Root name={`${idBase}-chat-role`} id={`${idBase}-chat-role`}>
              <Field.Label>{formatMessage(t('roles.chat-role.label'))}</Field.Label>
              <SingleSelect
                value={identity.chat_role}
                disabled={disabled}
                onChange={(value: string | number) => onChange({ ...identity, chat_role: String(value) as ChatRole })}
              >
                {CHAT_ROLES.map((chatRole) => (
                  <SingleSelectOption key={chatRole} value={chatRole}>
                    {formatMessage(t(`roles.chat-role.${chatRole}`))}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Field.Root>
          </Box>
        </Flex>
        <Flex direction="column" alignItems="stretch" gap={3}>
          <Typography variant="sigma" textColor="neutral600" tag="h4">
            {formatMessage(t('roles.permissions'))}
          </Typography>
          <Grid.Root gap={4}>
            {CHAT_PERMISSIONS.map((permission) => (
              <Grid.Item key={permission} col={4} m={6} s={12} alignItems="flex-start">
                <PermissionCheckbox
                  id={`${idBase}-${permission}`}
                  permission={permission}
                  checked={identity.permissions[permission]}
                  disabled={disabled}
                  onChange={(checked) => onChange({ ...identity, permissions: { ...identity.permissions, [permission]: checked } })}
                />
              </Grid.Item>
            ))}
          </Grid.Root>
        </Flex>
      </Flex>
    </Box>
  );
};

import { Badge, Box, Button, Flex, Typography } from '@strapi/design-system';
import { Heading } from '../../components/Section';
import { useIntl } from 'react-intl';
import { t } from '../../utils/translation';
import { CHAT_PERMISSIONS, chatIdentityOf, type RoleMap } from '../../../../contract';
import { hasRule, withoutRole, withRule } from '../../utils/role-map';

interface MissingRolesProps {
  /** Role types the map names that users-permissions no longer has. */
  types: string[];
  map: RoleMap;
  saved: RoleMap;
  disabled: boolean;
  onChange(map: RoleMap): void;
}

/**
 * Rules for roles deleted or renamed in Strapi: harmless (no user holds such a role), listed so the
 * admin sees them and can drop them; like a secret, one marked for removal goes on save.
 */
export const MissingRoles = ({ types, map, saved, disabled, onChange }: MissingRolesProps) => {
  const { formatMessage } = useIntl();
  if (types.length === 0) return null;

  return (
    <Box data-testid="missing-roles" hasRadius borderColor="warning200" background="warning100" padding={5}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Heading tag="h3" title={formatMessage(t('roles.missing.title'))} description={formatMessage(t('roles.missing.description'))} descriptionColor="neutral700" />
        {types.map((type) => {
          const removing = !hasRule(map, type);
          const { chat_role, permissions } = chatIdentityOf(removing ? saved : map, type);
          const count = CHAT_PERMISSIONS.filter((name) => permissions[name]).length;
          return (
            <Flex
              key={type}
              data-testid={`missing-role-${type}`}
              justifyContent="space-between"
              alignItems="center"
              gap={4}
              background="neutral0"
              hasRadius
              paddingTop={3}
              paddingBottom={3}
              paddingLeft={4}
              paddingRight={4}
            >
              <Flex direction="column" alignItems="flex-start" gap={1}>
                <Flex gap={2} alignItems="center" wrap="wrap">
                  <Typography variant="omega" fontWeight="bold" tag="code" textDecoration={removing ? 'line-through' : undefined}>
                    {type}
                  </Typography>
                  <Badge backgroundColor={removing ? 'danger100' : 'warning100'} textColor={removing ? 'danger700' : 'warning700'}>
                    {formatMessage(t(removing ? 'roles.missing.will-remove' : 'roles.missing.badge'))}
                  </Badge>
                </Flex>
                <Typography variant="pi" textColor="neutral600">
                  {formatMessage(t('roles.missing.summary'), {
                    role: formatMessage(t(`roles.chat-role.${chat_role}`)),
                    count,
                    total: CHAT_PERMISSIONS.length,
                  })}
                </Typography>
              </Flex>
              <Button
                variant={removing ? 'secondary' : 'danger-light'}
                disabled={disabled}
                data-testid={`missing-role-${type}-${removing ? 'keep' : 'remove'}`}
                onClick={() => onChange(removing ? withRule(map, type, saved[type]) : withoutRole(map, type))}
              >
                {formatMessage(t(removing ? 'roles.missing.keep' : 'roles.missing.remove'))}
              </Button>
            </Flex>
          );
        })}
      </Flex>
    </Box>
  );
};

import { Checkbox, Flex, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { t } from '../../utils/translation';
import type { ChatPermission } from '../../../../contract';

interface PermissionCheckboxProps {
  /** Unique on the page: the role's type and the permission. */
  id: string;
  permission: ChatPermission;
  checked: boolean;
  disabled: boolean;
  onChange(checked: boolean): void;
}

/** One of the ten chat permissions: a checkbox, its human name and what it allows. */
export const PermissionCheckbox = ({ id, permission, checked, disabled, onChange }: PermissionCheckboxProps) => {
  const { formatMessage } = useIntl();
  return (
    <Flex gap={2} alignItems="flex-start">
      <Checkbox
        id={id}
        name={id}
        checked={checked}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onCheckedChange={(value: boolean | 'indeterminate') => onChange(value === true)}
      />
      <Flex direction="column" alignItems="flex-start" gap={0}>
        <Typography tag="label" htmlFor={id} variant="omega" fontWeight="semiBold" textColor={disabled ? 'neutral600' : 'neutral800'}>
          {formatMessage(t(`permission.${permission}.label`))}
        </Typography>
        <Typography id={`${id}-hint`} variant="pi" textColor="neutral600">
          {formatMessage(t(`permission.${permission}.hint`))}
        </Typography>
      </Flex>
    </Flex>
  );
};

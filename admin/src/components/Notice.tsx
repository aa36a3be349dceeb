import { Flex, Typography } from '@strapi/design-system';
import { Information, WarningCircle } from '@strapi/icons';

type Variant = 'default' | 'warning' | 'danger';

const COLORS: Record<Variant, { background: string; border: string; icon: string }> = {
  default: { background: 'primary100', border: 'primary200', icon: 'primary600' },
  warning: { background: 'warning100', border: 'warning200', icon: 'warning600' },
  danger: { background: 'danger100', border: 'danger200', icon: 'danger600' },
};

interface NoticeProps {
  variant?: Variant;
  title?: string;
  children: React.ReactNode;
  'data-testid'?: string;
}

/** A notice that stays while what it says is so: Strapi's Alert look, without a close button that would do nothing. */
export const Notice = ({ variant = 'default', title, children, 'data-testid': testId }: NoticeProps) => {
  const { background, border, icon } = COLORS[variant];
  const Icon = variant === 'default' ? Information : WarningCircle;
  return (
    <Flex
      alignItems="flex-start"
      gap={3}
      background={background}
      borderColor={border}
      hasRadius
      shadow="filterShadow"
      padding={5}
      role={variant === 'danger' ? 'alert' : 'status'}
      data-testid={testId}
    >
      <Flex shrink={0} paddingTop="0.2rem">
        <Icon fill={icon} width="2rem" height="2rem" aria-hidden />
      </Flex>
      <Flex direction="column" alignItems="flex-start" gap={1}>
        {title && (
          <Typography fontWeight="bold" textColor="neutral800">
            {title}
          </Typography>
        )}
        <Typography textColor="neutral800">{children}</Typography>
      </Flex>
    </Flex>
  );
};

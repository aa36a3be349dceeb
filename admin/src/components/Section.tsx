import { Box, Flex, Grid, Typography } from '@strapi/design-system';

interface SectionProps {
  title: string;
  description?: string;
  children: React.ReactNode;
  /** Fields go in a two-column grid; panels lay out their own content. */
  grid?: boolean;
  testId?: string;
}

/** A white card with a heading, as Strapi's own settings pages have. */
export const Section = ({ title, description, children, grid = true, testId }: SectionProps) => (
  <Box data-testid={testId} background="neutral0" hasRadius shadow="filterShadow" paddingTop={6} paddingBottom={6} paddingLeft={7} paddingRight={7}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        {description && (
          <Typography variant="pi" textColor="neutral600">
            {description}
          </Typography>
        )}
      </Flex>
      {grid ? <Grid.Root gap={5}>{children}</Grid.Root> : children}
    </Flex>
  </Box>
);

export const Cell = ({ children, col = 6 }: { children: React.ReactNode; col?: number }) => (
  <Grid.Item col={col} s={12} direction="column" alignItems="stretch">
    {children}
  </Grid.Item>
);

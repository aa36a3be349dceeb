import { Box, Flex, Grid, Typography } from '@strapi/design-system';

interface SectionProps {
  title: string;
  description?: string;
  children: React.ReactNode;
  /** Fields go in a two-column grid; panels lay out their own content. */
  grid?: boolean;
  testId?: string;
}

interface HeadingProps {
  title: string;
  description?: string;
  tag?: 'h2' | 'h3';
  /** Darker on a coloured background (a warning box). */
  descriptionColor?: 'neutral600' | 'neutral700';
}

/** A title and the line that says what follows: a section's, or a part's inside one. */
export const Heading = ({ title, description, tag = 'h2', descriptionColor = 'neutral600' }: HeadingProps) => (
  <Flex direction="column" alignItems="stretch" gap={1}>
    <Typography variant="delta" tag={tag}>
      {title}
    </Typography>
    {description && (
      <Typography variant="pi" textColor={descriptionColor}>
        {description}
      </Typography>
    )}
  </Flex>
);

/** A white card with a heading, as Strapi's own settings pages have. */
export const Section = ({ title, description, children, grid = true, testId }: SectionProps) => (
  <Box data-testid={testId} background="neutral0" hasRadius shadow="filterShadow" paddingTop={6} paddingBottom={6} paddingLeft={7} paddingRight={7}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Heading title={title} description={description} />
      {grid ? <Grid.Root gap={5}>{children}</Grid.Root> : children}
    </Flex>
  </Box>
);

export const Cell = ({ children, col = 6 }: { children: React.ReactNode; col?: number }) => (
  <Grid.Item col={col} s={12} direction="column" alignItems="stretch">
    {children}
  </Grid.Item>
);

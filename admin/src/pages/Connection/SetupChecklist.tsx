import { Box, Flex, Typography } from '@strapi/design-system';
import { CheckCircle, Clock, Question } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { RelativeTime } from '../../components/RelativeTime';
import type { ChecklistItem } from '../../utils/setup-checklist';
import { t } from '../../utils/translation';

const code = (chunks: React.ReactNode[]) => <code key="code">{chunks}</code>;

/** One line of the checklist: a mark, what it is, and one sentence saying what is so or what to do. */
const Item = ({ item, now }: { item: ChecklistItem; now: number }) => {
  const { formatMessage, formatList } = useIntl();
  const state = item.done === true ? 'done' : item.done === false ? 'todo' : 'unknown';
  let sentence: React.ReactNode;
  switch (item.id) {
    case 'cabinet':
      sentence = item.done
        ? formatMessage(t('checklist.cabinet.done'))
        : formatMessage(t('checklist.cabinet.todo'), {
            missing: formatList(item.missing.map((key) => formatMessage(t(`field.${key}.label`))), { type: 'conjunction' }),
          });
      break;
    case 'public-url':
      sentence =
        item.check === null
          ? formatMessage(t('checklist.unknown'))
          : item.done
            ? formatMessage(t('checklist.public-url.done'), { url: item.check.url })
            : formatMessage(t('public-url.warning'), { code });
      break;
    case 'test-api':
      sentence =
        item.done === null
          ? formatMessage(t('checklist.unknown'))
          : item.lastTest === null
            ? formatMessage(t('checklist.test-api.todo'))
            : formatMessage(t(item.done ? 'checklist.test-api.done' : 'checklist.test-api.failed'), {
                when: <RelativeTime key="when" at={item.lastTest.at} now={now} />,
              });
      break;
    case 'chat-server':
      sentence =
        item.done === null
          ? formatMessage(t('checklist.unknown'))
          : item.done && item.lastSuccess
            ? formatMessage(t('checklist.chat-server.done'), { when: <RelativeTime key="when" at={item.lastSuccess} now={now} /> })
            : item.lastSuccess
              ? formatMessage(t('checklist.chat-server.stale'), { when: <RelativeTime key="when" at={item.lastSuccess} now={now} /> })
              : formatMessage(t('checklist.chat-server.todo'));
      break;
  }
  const Icon = state === 'done' ? CheckCircle : state === 'todo' ? Clock : Question;
  return (
    <Flex tag="li" gap={3} alignItems="flex-start" data-testid={`checklist-${item.id}`} data-done={state}>
      <Flex shrink={0} paddingTop="0.2rem">
        <Icon
          fill={state === 'done' ? 'success600' : state === 'todo' ? 'warning600' : 'neutral500'}
          width="2rem"
          height="2rem"
          aria-label={formatMessage(t(`checklist.state.${state}`))}
        />
      </Flex>
      <Flex direction="column" alignItems="flex-start" gap={1}>
        <Typography variant="omega" fontWeight="bold">
          {formatMessage(t(`checklist.${item.id}.title`))}
        </Typography>
        <Typography variant="pi" textColor="neutral700">
          {sentence}
        </Typography>
      </Flex>
    </Flex>
  );
};

/** The Connection page's first card: four steps from a fresh install to a chat that works, each done or not. */
export const SetupChecklist = ({ items, now }: { items: ChecklistItem[]; now: number }) => {
  const { formatMessage } = useIntl();
  const done = items.filter((item) => item.done === true).length;
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" paddingTop={6} paddingBottom={6} paddingLeft={7} paddingRight={7} data-testid="checklist">
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="baseline" gap={4} wrap="wrap">
          <Typography variant="delta" tag="h2">
            {formatMessage(t('checklist.title'))}
          </Typography>
          <Typography variant="pi" fontWeight="bold" textColor={done === items.length ? 'success600' : 'neutral600'} data-testid="checklist-count">
            {formatMessage(t('checklist.count'), { done, total: items.length })}
          </Typography>
        </Flex>
        <Flex tag="ol" direction="column" alignItems="stretch" gap={4} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {items.map((item) => (
            <Item key={item.id} item={item} now={now} />
          ))}
        </Flex>
      </Flex>
    </Box>
  );
};

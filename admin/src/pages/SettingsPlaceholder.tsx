import { Page, Layouts } from '@strapi/strapi/admin';
import { Typography } from '@strapi/design-system';

// The full settings page is its own piece of work; until then this says where the settings live.
const SettingsPlaceholder = () => (
  <Page.Main>
    <Layouts.Header title="ImbaChat" subtitle="Chat widget integration" />
    <Layouts.Content>
      <Typography>
        Settings are read and written through the admin API (GET and PUT /imbachat/settings) and
        config/plugins; see the plugin README.
      </Typography>
    </Layouts.Content>
  </Page.Main>
);

export default SettingsPlaceholder;

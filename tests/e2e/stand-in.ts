import type { Page } from 'playwright-core';

/** Stands in for ImbaChat's widget script (its servers are out of reach): records what the page does. */
export const STAND_IN = `(function () {
  var seen = (window.__imba = window.__imba || { loads: [], dialogs: [] });
  window.ImbaChat = { load: function () { seen.loads.push(arguments.length ? arguments[0] : 'no arguments'); return Promise.resolve('ready'); } };
  window.imbaApi = { openDialog: function (id) { seen.dialogs.push(id); } };
})();`;

/** The stand-in's record: each `ImbaChat.load` argument ('no arguments' for none) and each dialog opened. */
export const seen = (page: Page) => page.evaluate<{ loads: unknown[]; dialogs: unknown[] }>('window.__imba || { loads: [], dialogs: [] }');

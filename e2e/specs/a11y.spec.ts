// Every screen, empty: keyboard-reachable navigation, accessible names (axe-core: no serious or
// critical violations), in the light and the dark theme. Screenshots of each screen.
import { expect, test } from '../fixtures.js';

const SCREENS = [
  { nav: 'Diagnose a host', heading: /not alive/, shot: 'screen-diagnose' },
  { nav: 'Credentials', heading: /credentials work/, shot: 'screen-credentials' },
  { nav: 'Sweep', heading: /^Sweep$/, shot: 'screen-sweep' },
  { nav: 'Profiles', heading: /Discovery profiles/, shot: 'screen-profiles' },
  { nav: 'History', heading: /^History$/, shot: 'screen-history' },
  { nav: 'Settings', heading: /^Settings$/, shot: 'screen-settings' },
];

test.describe('accessibility', () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`every screen passes axe (${scheme} theme)`, async ({ app, checkA11y, shot }) => {
      await app.emulateMedia({ colorScheme: scheme });
      for (const s of SCREENS) {
        await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: s.nav }).click();
        await expect(app.getByRole('heading', { level: 1, name: s.heading })).toBeVisible();
        // Settle: lists load asynchronously — wait until no screen says it is still loading.
        await expect(app.getByText(/^Loading/)).toHaveCount(0);
        await checkA11y(`${s.nav} (${scheme})`);
        await shot(scheme === 'light' ? s.shot : `${s.shot}-dark`);
      }
    });
  }

  test('the main flow is reachable from the keyboard alone', async ({ app }) => {
    // Tab from the top: skip link, then the navigation, then the form.
    await app.keyboard.press('Tab');
    await expect(app.getByRole('link', { name: 'Skip to content' })).toBeFocused();
    await app.keyboard.press('Tab');
    await expect(app.getByRole('button', { name: 'Diagnose a host' })).toBeFocused();
    // Navigate to Sweep with the keyboard and land on its heading.
    await app.keyboard.press('Tab');
    await app.keyboard.press('Tab');
    await expect(app.getByRole('button', { name: 'Sweep' })).toBeFocused();
    await app.keyboard.press('Enter');
    await expect(app.getByRole('heading', { level: 1, name: 'Sweep' })).toBeFocused();
    await app.keyboard.press('Tab');
    await expect(app.getByLabel(/^Targets/)).toBeFocused();
    // Every button and form control has an accessible name.
    // (A string: the e2e tsconfig has no DOM typings.)
    const unnamed = await app.evaluate<string[]>(`
      [...document.querySelectorAll('button, input, select, textarea')]
        .filter((el) => {
          const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
          const byLabel = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
          const wrapped = el.closest('label');
          const text = el.tagName === 'BUTTON' ? (el.textContent || '').trim() : '';
          return !labelled && !byLabel && !wrapped && !text;
        })
        .map((el) => el.outerHTML.slice(0, 120))
    `);
    expect(unnamed).toEqual([]);
  });
});

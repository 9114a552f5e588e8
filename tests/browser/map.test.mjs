// Parcours de l'issue 8 : la carte des actions. Avec JavaScript, la carte (Leaflet servi par le
// site, fond de carte de la France) montre un repère par établissement, atteignable au clavier,
// dont la bulle mène aux actions ; sans JavaScript, la liste des lieux est là. axe-core : aucune
// violation grave ou critique sur la page de la carte.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import { checkPageBasics, journey, launchBrowser, skipIfNoChromium } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const MAP = '/a/creteil/carte?periode=toutes';

test(
  'la carte montre les actions par établissement, et la liste sans JavaScript',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ app, page, errors, step }) => {
      step('la carte de l’académie se dessine avec ses repères');
      const external = [];
      page.on('request', (r) => { if (!r.url().startsWith(app.url)) external.push(r.url()); });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(MAP);
      await checkPageBasics(page, assert);
      const places = await page.locator('.pv-places > li').count();
      assert.ok(places > 0, 'la liste des lieux est là');
      await page.locator('#pv-carte .leaflet-marker-icon').first().waitFor();
      const markers = await page.locator('#pv-carte .leaflet-marker-icon').count();
      t.diagnostic(`${markers} repères pour ${places} lieux`);
      assert.ok(markers > 0 && markers <= places, 'un repère par lieu placé');
      await page.locator('#pv-carte path.leaflet-interactive, #pv-carte svg path').first().waitFor({ state: 'attached' });
      assert.ok(await page.locator('.pv-places').isVisible(), 'la liste reste à côté de la carte');

      step('au clavier, un repère ouvre sa bulle et mène à une action');
      const marker = page.locator('#pv-carte .leaflet-marker-icon').first();
      await marker.focus();
      await page.keyboard.press('Enter');
      const link = page.locator('.leaflet-popup-content a').first();
      await link.waitFor();
      const href = await link.getAttribute('href');
      assert.match(href, /^\/a\/creteil\/actions\/\d+$/);
      await link.click();
      await page.waitForURL(/\/a\/creteil\/actions\/\d+$/);
      assert.deepEqual(external, [], 'rien n’est chargé d’ailleurs');
      assert.deepEqual(errors, []);

      step('axe-core sur la carte');
      await page.goto(MAP);
      await page.locator('#pv-carte .leaflet-marker-icon').first().waitFor();
      await page.evaluate(`${AXE_SOURCE};undefined`);
      const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} : ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      assert.deepEqual(serious, []);

      step('sans JavaScript, la liste des lieux et ses liens');
      const browser = await launchBrowser();
      try {
        const context = await browser.newContext({ locale: 'fr-FR', baseURL: app.url, javaScriptEnabled: false });
        const bare = await context.newPage();
        await bare.goto(MAP);
        assert.ok((await bare.locator('.pv-places > li').count()) > 0);
        assert.ok(await bare.locator('.pv-places a[href^="/a/creteil/actions/"]').first().isVisible());
        assert.equal(await bare.locator('#pv-carte').isVisible(), false, 'la boîte de la carte reste cachée');
      } finally {
        await browser.close();
      }
    });
  },
);

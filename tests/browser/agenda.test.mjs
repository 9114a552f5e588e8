// Parcours de l'issue 8 : un parent, sur un téléphone, trouve une action de l'agenda public en
// tapant un mot sans ses accents, l'ouvre et l'ajoute à son agenda (.ics). Puis axe-core passe
// sur chaque page publique : aucune violation grave ou critique.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import { checkPageBasics, journey, skipIfNoChromium } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const PHONE = { width: 390, height: 844 };

function withoutAccents(text) {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

async function axeViolations(page) {
  // Injected through the DevTools protocol: the page's CSP forbids inline scripts.
  await page.evaluate(`${AXE_SOURCE};undefined`);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) : ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

test(
  'un parent trouve une action sans taper les accents et l’ajoute à son agenda',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ page, errors, step }) => {
      await page.setViewportSize(PHONE);

      step('la page d’accueil mène à l’agenda de l’académie');
      await page.goto('/');
      await page.getByRole('link', { name: 'L’agenda des actions' }).first().click();
      await page.waitForURL(/\/a\/creteil\/agenda$/);
      await checkPageBasics(page, assert);
      const titles = await page.locator('.pv-agenda h3 a').allInnerTexts();
      assert.ok(titles.length > 0, 'l’agenda de l’édition en cours montre des actions');

      step('il tape un mot d’un titre, sans ses accents');
      const words = titles
        .flatMap((title) => title.split(/[^\p{L}]+/u).map((w) => ({ w, title })))
        .filter(({ w }) => w.length >= 5);
      const accented = words.find(({ w }) => withoutAccents(w) !== w) ?? words[0];
      const typed = withoutAccents(accented.w).toLowerCase();
      t.diagnostic(`mot tapé : ${typed} (pour « ${accented.w} »)`);
      await page.getByLabel(/Rechercher une action/).fill(typed);
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await page.waitForURL(/q=/);
      const found = await page.locator('.pv-agenda h3 a').allInnerTexts();
      assert.ok(found.includes(accented.title), `« ${accented.title} » trouvée parmi ${found.length} résultats`);

      step('il ouvre l’action');
      await page.locator('.pv-agenda h3 a', { hasText: accented.title }).first().click();
      await page.waitForURL(/\/a\/creteil\/actions\/\d+$/);
      assert.equal(await checkPageBasics(page, assert), accented.title);
      const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
      assert.equal(ld['@type'], 'Event');
      assert.match(ld.startDate, /T\d\d:\d\d:\d\d\+0[12]:00$/);

      step('il l’ajoute à son agenda');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Ajouter à mon agenda' }).click(),
      ]);
      const ics = readFileSync(await download.path(), 'utf8');
      assert.match(ics, /BEGIN:VCALENDAR/);
      assert.match(ics, /DTSTART;TZID=Europe\/Paris:/);
      assert.deepEqual(errors, []);
    });
  },
);

test(
  'axe-core : aucune violation grave ou critique sur les pages publiques',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ page, step }) => {
      const pages = ['/', '/a/creteil/agenda', '/a/creteil/agenda?q=theatre&public=eleves', '/a/creteil/mutualisation', '/a/creteil/mutualisation?q=decrochage'];
      await page.goto('/a/creteil/agenda');
      const action = await page.locator('.pv-agenda h3 a').first().getAttribute('href');
      pages.push(action);
      await page.goto('/a/creteil/mutualisation');
      pages.push(await page.locator('.pv-agenda h3 a').first().getAttribute('href'));
      const editionLink = await page.goto('/').then(() => page.getByRole('link', { name: /^L’édition / }).first().getAttribute('href'));
      pages.push(editionLink);
      const problems = [];
      for (const path of pages) {
        for (const viewport of [PHONE, { width: 1280, height: 900 }]) {
          step(`axe-core sur ${path} (${viewport.width} px)`);
          await page.setViewportSize(viewport);
          await page.goto(path);
          for (const v of await axeViolations(page)) problems.push(`${path} : ${v}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  },
);

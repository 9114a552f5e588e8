// Parcours fondateur : la démo s'ouvre, on se connecte avec un compte de démonstration et on
// arrive sur son établissement.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkPageBasics, journey, launchBrowser, skipIfNoChromium, textOf } from './harness.mjs';

const UAI = /[0-9]{7}[A-Z]/;
const SCHOOL_HREF = /\/etablissements\/([0-9]{7}[A-Z])(?:[/?#]|$)/;

test(
  'un nouveau venu ouvre la démo, se connecte comme référent et voit son établissement',
  { skip: skipIfNoChromium, timeout: 120_000 },
  async (t) => {
    await journey(t, async ({ page, errors, step }) => {
      step("page d'accueil");
      const home = await page.goto('/');
      assert.ok(home?.ok(), `accueil : statut HTTP ${home?.status()}`);
      const homeTitle = await checkPageBasics(page, assert);
      assert.ok(homeTitle.length > 0, "le h1 de l'accueil est vide");

      step('lien « Se connecter » de l’en-tête');
      const signIn = page.locator('header').getByRole('link', { name: /Se connecter/ }).first();
      await signIn.click();
      await page.waitForURL(/\/connexion(?:[?#]|$)/);
      await checkPageBasics(page, assert);

      step('section « Comptes de démonstration »');
      const demoHeading = page.getByRole('heading', { name: /Comptes de démonstration/ });
      await demoHeading.first().waitFor();
      // La section la plus intérieure qui porte ce titre.
      const demoSection = page.locator('section').filter({ has: demoHeading }).last();
      const submitButtons = demoSection.locator(
        'button[type="submit"], button:not([type]), input[type="submit"]',
      );
      const accounts = await submitButtons.count();
      assert.ok(accounts >= 1, 'aucun bouton de connexion dans « Comptes de démonstration »');
      t.diagnostic(`${accounts} compte(s) de démonstration`);

      step('connexion comme référent décrochage scolaire');
      const referent = demoSection.getByRole('button', { name: /Référent décrochage scolaire/ }).first();
      await referent.click();
      await page.waitForURL(/\/mon-espace(?:[?#]|$)/);

      step('page « Mon espace »');
      assert.equal(await checkPageBasics(page, assert), 'Mon espace');
      const main = page.getByRole('main');
      assert.match(await textOf(main), /Référent décrochage scolaire/i, 'les rôles ne sont pas listés');

      step('lien vers l’établissement');
      const schoolLinks = main.locator('a[href*="/etablissements/"]');
      const hrefs = await schoolLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      const index = hrefs.findIndex((href) => SCHOOL_HREF.test(href ?? ''));
      assert.ok(index >= 0, `aucun lien /etablissements/<UAI> dans Mon espace (liens vus : ${hrefs.join(', ') || 'aucun'})`);
      const uai = hrefs[index].match(SCHOOL_HREF)[1];
      const schoolLink = schoolLinks.nth(index);
      t.diagnostic(`établissement : ${uai} (« ${await textOf(schoolLink)} »)`);
      await schoolLink.click();
      await page.waitForURL(new RegExp(`/etablissements/${uai}(?:[/?#]|$)`));

      step("page de l'établissement");
      const schoolName = await checkPageBasics(page, assert);
      assert.ok(schoolName.length > 0, "le h1 de la page de l'établissement est vide");
      assert.doesNotMatch(schoolName, /^Mon espace$/);
      const schoolText = await textOf(page.getByRole('main'));
      assert.match(schoolText, UAI, "aucun UAI affiché sur la page de l'établissement");
      assert.ok(schoolText.includes(uai), `l'UAI ${uai} du lien n'est pas affiché sur la page`);

      step('aucune erreur dans la console');
      assert.deepEqual(errors, [], `erreurs relevées dans le navigateur :\n${errors.join('\n')}`);
    });
  },
);

test(
  'sur un téléphone sans JavaScript, « Se connecter » est dans l’en-tête et mène à la connexion',
  { skip: skipIfNoChromium, timeout: 120_000 },
  async (t) => {
    await journey(t, async ({ app, step }) => {
      const browser = await launchBrowser();
      try {
        const context = await browser.newContext({
          locale: 'fr-FR',
          baseURL: app.url,
          javaScriptEnabled: false,
          viewport: { width: 375, height: 700 },
        });
        const page = await context.newPage();
        step('accueil, 375 px, sans JavaScript');
        await page.goto('/');
        const header = page.locator('header');
        // The DSFR's tools links are hidden at this width (behind the menu button).
        assert.equal(await header.locator('.fr-header__tools').isVisible(), false);
        const signIn = header.getByRole('link', { name: 'Se connecter' });
        assert.equal(await signIn.count(), 1, 'un seul lien visible « Se connecter »');
        assert.ok(await signIn.isVisible(), '« Se connecter » visible');
        const box = await signIn.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `dans l’écran : ${JSON.stringify(box)}`);

        step('le lien mène à la page de connexion');
        await signIn.click();
        await page.waitForURL(/\/connexion(?:[?#]|$)/);
        assert.match(await textOf(page.locator('h1')), /connexion|Se connecter/i);

        step('connecté : « Mon espace » et « Se déconnecter » visibles');
        await page
          .getByRole('button', { name: /Référent décrochage scolaire/ })
          .first()
          .click();
        await page.waitForURL(/\/mon-espace(?:[?#]|$)/);
        const space = page.locator('header').getByRole('link', { name: 'Mon espace' });
        assert.equal(await space.count(), 1);
        assert.ok(await space.isVisible());
        const signOut = page.locator('header').getByRole('button', { name: 'Se déconnecter' });
        assert.equal(await signOut.count(), 1);
        assert.ok(await signOut.isVisible());
        await signOut.click();
        await page.waitForURL((url) => !/\/mon-espace/.test(url.pathname));
        assert.ok(await page.locator('header').getByRole('link', { name: 'Se connecter' }).isVisible());
      } finally {
        await browser.close();
      }
    });
  },
);

test(
  'sur un grand écran, les liens de l’en-tête ne sont pas en double',
  { skip: skipIfNoChromium, timeout: 120_000 },
  async (t) => {
    await journey(t, async ({ page, step }) => {
      step('accueil, 1280 px');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto('/');
      const signIn = page.locator('header').getByRole('link', { name: 'Se connecter' });
      assert.equal(await signIn.count(), 1);
      assert.ok(await signIn.isVisible());
      assert.equal(await page.locator('.pv-header-compact').isVisible(), false);
    });
  },
);

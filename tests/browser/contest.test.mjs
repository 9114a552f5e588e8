// Parcours de l'issue 9 (concours d'affiches) : la coordination académique ouvre le concours de
// l'édition en cours et nomme deux membres du jury ; un personnel d'établissement inscrit une
// affiche ; la coordination la valide ; les deux membres du jury la notent ; la coordination clôt le
// jury et publie le palmarès ; la page publique montre l'affiche et les lauréats.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkPageBasics, journey, skipIfNoChromium } from './harness.mjs';

// Une image PNG de 1 × 1 pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function signInAs(page, email) {
  await page.goto('/connexion');
  await page.locator(`form:has(input[name="email"][value="${email}"]) button`).click();
  await page.waitForURL(/\/mon-espace/);
}

async function openContest(page) {
  await page.goto('/a/creteil/editions');
  await page.locator('main table tbody tr').first().getByRole('link').click();
  await page.waitForURL(/\/editions\/\d+$/);
  const edition = page.url();
  await page.getByRole('link', { name: 'Le concours d’affiches' }).click();
  await page.waitForURL(/\/concours$/);
  return edition;
}

test(
  'une affiche inscrite, validée, notée par deux jurés, puis lauréate',
  { skip: skipIfNoChromium, timeout: 240_000 },
  async (t) => {
    await journey(t, async ({ page, step }) => {
      step('la coordination ouvre le concours et nomme le jury');
      await signInAs(page, 'coordination.academique@demo.test');
      const edition = await openContest(page);
      await page.getByLabel('Règlement').fill('Une affiche par classe sur le thème de l’année.');
      await page.getByLabel(/Date limite d’inscription/).fill('31/12/2099');
      await page.getByRole('button', { name: 'Ouvrir le concours' }).click();
      await page.waitForURL(/\/concours/);
      await checkPageBasics(page, assert);
      for (const email of ['dsden93@demo.test', 'coordination.district@demo.test']) {
        await page.getByLabel(/Adresse du membre du jury/).fill(email);
        await page.locator('label[for="jury-cat-2"]').click();
        await page.getByRole('button', { name: 'Ajouter au jury' }).click();
        await page.waitForURL(/\/concours/);
      }
      assert.match(await page.locator('#jury ~ ul').first().textContent(), /dsden93@demo\.test/);

      step('un personnel inscrit une affiche');
      await signInAs(page, 'personnel@demo.test');
      await openContest(page);
      await page.getByLabel('Catégorie').selectOption({ label: 'Collège' });
      await page.getByLabel('Classe ou groupe').fill('4e B');
      await page.getByLabel('Titre de l’affiche').fill('Se relever');
      await page.locator('#poster').setInputFiles({ name: 'affiche.png', mimeType: 'image/png', buffer: PNG });
      await page.getByLabel('Description de l’affiche').fill('Un coureur se relève sur fond jaune');
      await page.locator('label[for="consent-none_identifiable"]').click();
      await page.getByRole('button', { name: 'Inscrire l’affiche' }).click();
      await page.waitForURL(/\/concours/);
      assert.match(await page.locator('main').textContent(), /En attente de validation/);

      step('la coordination valide l’affiche');
      await signInAs(page, 'coordination.academique@demo.test');
      await page.goto(`${edition}/medias`);
      await page.getByRole('button', { name: /^Publier/ }).first().click();
      await page.waitForURL(/\/medias/);
      assert.match(await page.locator('main').textContent(), /Publiée/);

      step('deux membres du jury la notent');
      for (const [email, notes] of [['dsden93@demo.test', ['5', '4', '5', '3']], ['coordination.district@demo.test', ['4', '4', '4', '4']]]) {
        await signInAs(page, email);
        await openContest(page);
        const form = page.locator('#noter ~ section').filter({ hasText: 'Se relever' }).locator('form');
        const fields = form.locator('input[name="score"]');
        assert.equal(await fields.count(), notes.length);
        for (let i = 0; i < notes.length; i += 1) await fields.nth(i).fill(notes[i]);
        assert.doesNotMatch(await page.locator('main').textContent(), /Autre membre du jury/);
        await form.getByRole('button', { name: /Enregistrer mes notes/ }).click();
        await page.waitForURL(/\/concours/);
      }

      step('la coordination clôt le jury et publie le palmarès');
      await signInAs(page, 'coordination.academique@demo.test');
      await openContest(page);
      assert.match(await page.locator('main table').filter({ hasText: 'Collège' }).textContent(), /Se relever/);
      await page.getByRole('button', { name: 'Clôturer le jury' }).click();
      await page.waitForURL(/\/concours/);
      await page.getByRole('button', { name: 'Publier le palmarès' }).click();
      await page.waitForURL(/\/concours/);

      step('la page publique montre les lauréats');
      await page.goto(edition);
      await page.getByRole('link', { name: 'Page publique de l’édition' }).click();
      await page.goto(`${page.url()}/concours`);
      const main = await page.locator('main').textContent();
      assert.match(main, /Les lauréats/);
      assert.match(main, /1er prix du collège/);
      assert.match(main, /Se relever/);
      await checkPageBasics(page, assert);
    });
  },
);

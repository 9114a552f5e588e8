// Parcours de l'issue 9 (totem) : la coordination académique lance l'appel au totem de l'édition
// en cours ; un personnel d'établissement envoie une photo avec sa description et l'attestation de
// droit à l'image ; elle reste privée jusqu'à ce que la coordination la publie ; la galerie
// publique la montre alors (vignette avec ses dimensions, chargement différé, texte alternatif).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkPageBasics, journey, skipIfNoChromium } from './harness.mjs';

// Une image PNG de 1 × 1 pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function signInAs(page, label) {
  await page.goto('/connexion');
  const demo = page.locator('section').filter({ has: page.getByRole('heading', { name: /Comptes de démonstration/ }) }).last();
  await demo.getByRole('button', { name: label }).first().click();
  await page.waitForURL(/\/mon-espace/);
}

async function openTotem(page) {
  await page.goto('/a/creteil/editions');
  await page.locator('main table tbody tr').first().getByRole('link').click();
  await page.waitForURL(/\/editions\/\d+$/);
  const edition = page.url();
  await page.getByRole('link', { name: 'Le totem' }).click();
  await page.waitForURL(/\/totem$/);
  return edition;
}

test(
  'une photo de totem envoyée, publiée par la coordination, puis montrée dans la galerie',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ page, step }) => {
      step('la coordination académique lance l’appel au totem');
      await signInAs(page, /Coordination académique/);
      const edition = await openTotem(page);
      await page.getByLabel(/Ce que vous demandez aux établissements/).fill('Photographiez le totem de votre établissement.');
      await page.getByRole('button', { name: 'Enregistrer l’appel' }).click();
      await page.waitForURL(/\/totem/);
      await checkPageBasics(page, assert);

      step('un personnel envoie une photo avec sa description et l’attestation');
      await signInAs(page, /Personnel de l.établissement/);
      await openTotem(page);
      await page.getByLabel(/Votre texte/).fill('Notre totem relie l’entraide et la persévérance.');
      await page.locator('#photo').setInputFiles({ name: 'totem.png', mimeType: 'image/png', buffer: PNG });
      await page.getByLabel(/Description de la photo/).fill('Un totem de bois peint par les élèves');
      await page.locator('label[for="consent-none_identifiable"]').click();
      await page.getByRole('button', { name: 'Enregistrer la participation' }).click();
      await page.waitForURL(/\/totem/);
      assert.match(await page.locator('main').textContent(), /En attente de validation/);

      step('la coordination la publie');
      await signInAs(page, /Coordination académique/);
      await openTotem(page);
      await page.getByRole('button', { name: /^Publier/ }).first().click();
      await page.waitForURL(/\/totem/);
      assert.match(await page.locator('main').textContent(), /Publiée/);

      step('la galerie publique la montre');
      await page.goto(edition);
      await page.getByRole('link', { name: 'Page publique de l’édition' }).click();
      // La vignette est faite en arrière-plan : la galerie paraît dès qu'elle est prête.
      const gallery = page.getByRole('link', { name: /Voir la galerie/ });
      for (let i = 0; i < 50 && !(await gallery.count()); i += 1) {
        await new Promise((r) => setTimeout(r, 200));
        await page.reload();
      }
      await gallery.click();
      await page.waitForURL(/\/galerie$/);
      const img = page.locator('main img[loading="lazy"]').first();
      await img.waitFor();
      assert.equal(await img.getAttribute('alt'), 'Un totem de bois peint par les élèves');
      assert.ok(Number(await img.getAttribute('width')) > 0);
      await checkPageBasics(page, assert);
    });
  },
);

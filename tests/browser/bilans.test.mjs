// Parcours des bilans : la coordination de district lit son tableau de bord de l'édition 2023,
// renvoie au personnel le bilan d'une de ses actions pour qu'il le complète ; le personnel le
// complète (fréquentation des parents), y joint une photo (description, attestation de droit à
// l'image ; une photo sans description mais avec l'attestation est d'abord refusée, le reste du
// bilan gardé) et le transmet à nouveau ; les chiffres du tableau de bord du district changent
// d'autant, et la coordination voit la photo avec le bilan.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkPageBasics, journey, skipIfNoChromium, textOf } from './harness.mjs';

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

async function signOut(page) {
  await page.locator('header').getByRole('button', { name: /Se déconnecter/ }).first().click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Le chiffre de l'édition affichée (dernière colonne) d'une ligne de la comparaison. */
async function figure(page, label) {
  const row = page.locator('table').first().locator('tr').filter({ has: page.locator('th', { hasText: label }) }).first();
  const cells = row.locator('td');
  return Number(await textOf(cells.last()));
}

test(
  'un bilan renvoyé, complété et transmis à nouveau change le tableau de bord du district',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ page, errors, step }) => {
      step('la coordination de district ouvre les indicateurs de 2023');
      await signInAs(page, /Coordination de district .* Saint-Denis/);
      await page.goto('/a/creteil/editions');
      await page.locator('tr').filter({ hasText: '2023' }).getByRole('link').first().click();
      await page.waitForURL(/\/editions\/\d+$/);
      await page.getByRole('link', { name: /Indicateurs et bilans/ }).click();
      await page.waitForURL(/\/indicateurs/);
      await checkPageBasics(page, assert);
      const dashboardUrl = new URL(page.url()).pathname;
      assert.ok((await page.locator('svg[role="img"] title').count()) >= 4, 'des graphiques titrés');
      const bilans = await figure(page, 'Bilans transmis');
      const parents = await figure(page, 'Fréquentation : Parents');
      t.diagnostic(`bilans transmis ${bilans}, parents ${parents}`);

      step('elle renvoie le bilan d\'une action du personnel');
      await page.getByRole('link', { name: /Suivi des bilans/ }).click();
      await page.waitForURL(/\/bilans/);
      const row = page.locator('tbody tr').filter({ hasText: 'personnel@demo.test' }).filter({ hasText: 'Transmis' }).first();
      await row.locator('td').first().getByRole('link').click();
      await page.waitForURL(/\/actions\/\d+\/bilan/);
      const bilanUrl = new URL(page.url()).pathname;
      const before = Number(await textOf(page.locator('#bilan-parents')).then((s) => (s === '—' ? '0' : s)));
      await page.getByRole('button', { name: /Renvoyer au porteur/ }).click();
      assert.match(await textOf(page.locator('#comment-erreur')), /Expliquez ce qu.il faut compléter/);
      await page.locator('#comment').fill('Indiquez aussi le nombre de parents venus.');
      await page.getByRole('button', { name: /Renvoyer au porteur/ }).click();
      await page.waitForURL(/avis=bilan-renvoye/);
      assert.equal(await textOf(page.locator('#etat-bilan')), 'À compléter');

      step('le bilan renvoyé ne compte plus');
      await page.goto(dashboardUrl);
      assert.equal(await figure(page, 'Bilans transmis'), bilans - 1);
      await signOut(page);

      step('le personnel complète et transmet son bilan');
      await signInAs(page, /Personnel de l.établissement .* Collège Jules Ferry/);
      await page.goto(bilanUrl);
      await checkPageBasics(page, assert);
      assert.match(await textOf(page.locator('main')), /Indiquez aussi le nombre de parents venus/);
      await page.locator('#parents').fill('-3');
      await page.getByRole('button', { name: /Transmettre le bilan/ }).click();
      assert.match(await textOf(page.locator('#parents-erreur')), /positif ou nul/);
      assert.equal(await page.locator('#parents').inputValue(), '-3');
      await page.locator('#parents').fill(String(before + 25));

      step('il y joint une photo : sans description, elle est refusée et rien n\'est perdu');
      await page.locator('#photo').setInputFiles({ name: 'rencontre.png', mimeType: 'image/png', buffer: PNG });
      await page.locator('label[for="photo_consent-authorisations"]').click();
      await page.getByRole('button', { name: /Transmettre le bilan/ }).click();
      assert.match(await textOf(page.locator('#photo_description-erreur')), /Décrivez la photo/);
      assert.equal(await page.locator('#parents').inputValue(), String(before + 25));
      assert.ok(await page.locator('#photo_consent-authorisations').isChecked(), 'l\'attestation gardée');
      await page.locator('#photo').setInputFiles({ name: 'rencontre.png', mimeType: 'image/png', buffer: PNG });
      await page.getByLabel(/Description de la photo/).fill('Les parents et les élèves autour des panneaux');
      await page.getByRole('button', { name: /Transmettre le bilan/ }).click();
      await page.waitForURL(/avis=bilan-transmis/);
      assert.equal(await textOf(page.locator('#etat-bilan')), 'Transmis');
      assert.match(await textOf(page.locator('#photos ~ ul')), /En attente de validation/i);
      assert.match(await textOf(page.locator('#photos ~ ul')), /Les parents et les élèves autour des panneaux/);
      await checkPageBasics(page, assert);
      await signOut(page);

      step('le tableau de bord du district a changé');
      await signInAs(page, /Coordination de district .* Saint-Denis/);
      await page.goto(dashboardUrl);
      assert.equal(await figure(page, 'Bilans transmis'), bilans);
      assert.equal(await figure(page, 'Fréquentation : Parents'), parents + 25);

      step('la coordination voit la photo avec le bilan');
      await page.goto(bilanUrl);
      assert.match(await textOf(page.locator('#photos ~ ul')), /Les parents et les élèves autour des panneaux/);
      // The three refused forms answer 422 on purpose; nothing else may fail.
      assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    });
  },
);

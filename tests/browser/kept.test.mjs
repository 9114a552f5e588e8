// Rien de ce qui est saisi ne se perd : un personnel rédige sa fiche-action, sa session prend fin
// dans un autre onglet, il enregistre quand même ; après s'être reconnecté, il retrouve son texte
// et le renvoie. Puis un onglet resté ouvert d'une session précédente (jeton périmé) : la page
// « Formulaire expiré » propose aussitôt de renvoyer la saisie.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkPageBasics, journey, skipIfNoChromium, textOf } from './harness.mjs';

const TITLE = 'Forum des anciens élèves';
const DESCRIPTION = 'Table ronde au CDI,\npuis échanges en petits groupes.';

async function signInAs(page, label) {
  const demo = page.locator('section').filter({ has: page.getByRole('heading', { name: /Comptes de démonstration/ }) }).last();
  await demo.getByRole('button', { name: label }).first().click();
}

async function signOut(page) {
  await page.locator('header').getByRole('button', { name: /Se déconnecter/ }).first().click();
  await page.waitForURL((url) => url.pathname === '/');
}

test(
  'une saisie survit à la fin de la session et à un jeton périmé',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ page, errors, step }) => {
      step('le personnel ouvre une fiche-action');
      await page.goto('/connexion');
      await signInAs(page, /Personnel de l.établissement/);
      await page.waitForURL(/\/mon-espace/);
      await page.getByRole('link', { name: /Mes actions/ }).first().click();
      await page.waitForURL(/\/mes-actions/);
      await page.getByRole('link', { name: /Déclarer une action/ }).first().click();
      await page.waitForURL(/\/actions\/nouvelle/);
      await page.getByRole('button', { name: /Commencer la déclaration/ }).click();
      await page.waitForURL(/\/actions\/\d+\/modifier/);
      const formUrl = page.url();
      const actionId = formUrl.match(/\/actions\/(\d+)\//)[1];
      t.diagnostic(`action ${actionId}`);

      step('il saisit son texte');
      await page.locator('#title').fill(TITLE);
      await page.locator('#description').fill(DESCRIPTION);

      step('sa session prend fin dans un autre onglet');
      const other = await page.context().newPage();
      await other.goto('/mon-espace');
      await signOut(other);
      await other.close();

      step('il enregistre : la connexion lui est demandée, sa saisie est conservée');
      await page.getByRole('button', { name: /Enregistrer le brouillon/ }).click();
      await page.waitForURL(/\/connexion\?/);
      await checkPageBasics(page, assert);
      assert.match(await textOf(page.getByRole('main')), /Votre saisie a été conservée/);

      step('il se reconnecte et retrouve son texte');
      await signInAs(page, /Personnel de l.établissement/);
      await page.waitForURL(/\/saisies-conservees/);
      assert.equal(await checkPageBasics(page, assert), 'Votre saisie a été conservée');
      const main = await textOf(page.getByRole('main'));
      assert.match(main, new RegExp(TITLE));
      assert.match(main, /Table ronde au CDI/);

      step('il renvoie le formulaire : le brouillon est enregistré');
      await page.getByRole('button', { name: /Renvoyer le formulaire/ }).click();
      await page.waitForURL((url) => url.pathname.startsWith(`/actions/${actionId}`) && !url.pathname.startsWith('/saisies'));
      await page.goto(formUrl);
      assert.equal(await page.locator('#title').inputValue(), TITLE);
      assert.equal((await page.locator('#description').inputValue()).replace(/\r\n/g, '\n'), DESCRIPTION);

      step('un onglet d’une session précédente envoie un jeton périmé');
      const staleTab = await page.context().newPage();
      await staleTab.goto(formUrl);
      await staleTab.locator('#title').fill(`${TITLE} (suite)`);
      // Déconnexion puis reconnexion ailleurs : le jeton de l'onglet n'est plus le bon.
      await signOut(page);
      await page.goto('/connexion');
      await signInAs(page, /Personnel de l.établissement/);
      await page.waitForURL(/\/mon-espace/);
      await staleTab.getByRole('button', { name: /Enregistrer le brouillon/ }).click();
      await staleTab.getByRole('heading', { name: /Formulaire expiré/ }).waitFor();
      assert.match(await textOf(staleTab.getByRole('main')), /Votre saisie a été conservée/);
      assert.match(await textOf(staleTab.getByRole('main')), /\(suite\)/);
      await staleTab.getByRole('button', { name: /Renvoyer le formulaire/ }).click();
      await staleTab.waitForURL((url) => url.pathname.startsWith(`/actions/${actionId}`));
      await staleTab.goto(formUrl);
      assert.equal(await staleTab.locator('#title').inputValue(), `${TITLE} (suite)`);
      await staleTab.close();

      step('aucune erreur dans la console');
      // Le 403 « Formulaire expiré » est la réponse attendue d'un onglet périmé.
      const unexpected = errors.filter((e) => !/403/.test(e));
      assert.deepEqual(unexpected, [], `erreurs relevées dans le navigateur :\n${unexpected.join('\n')}`);
    });
  },
);

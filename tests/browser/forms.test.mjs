// Un double clic ne fait qu'une chose (issue 7, point 5) : le personnel double-clique sur
// « Commencer la déclaration », puis sur « Soumettre l’action » ; un seul brouillon est créé,
// l'action n'est soumise qu'une fois, un seul accusé de réception part, et la page le dit.

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

import { journey, skipIfNoChromium, textOf } from './harness.mjs';

async function signInAs(page, label) {
  await page.goto('/connexion');
  const demo = page.locator('section').filter({ has: page.getByRole('heading', { name: /Comptes de démonstration/ }) }).last();
  await demo.getByRole('button', { name: label }).first().click();
  await page.waitForURL(/\/mon-espace/);
}

/**
 * Rend les réponses aux envois lentes (400 ms), comme sur un réseau chargé : la requête part
 * aussitôt vers le serveur, la réponse n'arrive qu'après ; un second clic pendant ce temps envoie
 * donc bien une seconde requête, comme chez la personne qui double-clique.
 */
async function slowAnswers(page) {
  await page.route('**/*', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const response = await route.fetch({ maxRedirects: 0 });
    await new Promise((r) => setTimeout(r, 400));
    try {
      await route.fulfill({ response });
    } catch {
      // La navigation a été remplacée par le second envoi : la réponse n'a plus de lecteur.
    }
  });
}

/** Double-clique comme une personne pressée : deux clics à 100 ms d'intervalle. */
async function doubleClick(page, locator) {
  const box = await locator.boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.click(x, y);
  await new Promise((r) => setTimeout(r, 100));
  await page.mouse.click(x, y);
}

/**
 * Attend la page qui répond au second envoi : la navigation du premier, remplacée, échoue
 * (net::ERR_ABORTED) ; on attend alors la suivante.
 */
async function settle(page, pattern) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await page.waitForURL(pattern);
      await page.waitForLoadState('load');
      return;
    } catch (error) {
      if (!/ERR_ABORTED|detached|interrupted/.test(String(error))) throw error;
    }
  }
  throw new Error(`aucune page ne correspond à ${pattern}`);
}

function mailCount(dir) {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).length : 0;
}

test(
  'un double clic sur un bouton d’envoi ne fait qu’une chose',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ app, page, errors, step }) => {
      step('le personnel double-clique sur « Commencer la déclaration »');
      await signInAs(page, /Personnel de l.établissement/);
      await page.goto('/mes-actions');
      await page.getByRole('link', { name: /Déclarer une action/ }).first().click();
      await page.waitForURL(/\/actions\/nouvelle/);
      await slowAnswers(page);
      await doubleClick(page, page.getByRole('button', { name: /Commencer la déclaration/ }));
      await settle(page, /\/actions\/\d+\/modifier\?deja=1/);
      const actionId = page.url().match(/\/actions\/(\d+)\//)[1];
      assert.match(await textOf(page.locator('main')), /Votre formulaire avait déjà été envoyé/);
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await page.goto('/mes-actions');
      const drafts = page.locator('main li', { hasText: 'Action sans titre' });
      assert.equal(await drafts.count(), 1, 'un seul brouillon');

      step('il remplit la fiche-action, avec des dates et heures écrites à la française');
      await page.goto(`/actions/${actionId}/modifier`);
      const hint = await textOf(page.locator('label[for="before_week"] .fr-hint-text'));
      const [, day] = hint.match(/du (\d{2}\/\d{2}\/\d{4})/);
      await page.locator('#title').fill('Rallye de la persévérance');
      await page.locator('#summary').fill('Un rallye entre établissements.');
      await page.locator('#description').fill('Des équipes mixtes parcourent la ville.');
      await page.locator('#owner_name').fill('Camille Martin');
      await page.locator('#owner_role').fill('CPE');
      await page.locator('#people_involved').fill('Professeurs d’EPS');
      await page.locator('label[for="audiences-eleves"]').click();
      await page.locator('label[for="levels-4e"]').click();
      await page.locator('#scheme').selectOption('aucun');
      await page.locator('#starts_on').fill(day);
      await page.locator('#start_time').fill('9h');
      await page.locator('#end_time').fill('12h30');
      await page.locator('#place').fill('Parc départemental');
      await page.locator('#partners').fill('Mairie');
      await page.locator('#expected_participants').fill('120');
      await page.locator('label[for="showcase-reportage-photo"]').click();
      for (const group of await page.getByRole('group', { name: /concours d.affiches/ }).all()) {
        await group.locator('label', { hasText: /^Oui$/ }).click();
      }
      for (const group of await page.getByRole('group', { name: /connu la semaine/ }).all()) {
        await group.locator('label').first().click();
      }

      step('il double-clique sur « Soumettre l’action »');
      const before = mailCount(app.outboxDir);
      const submit = page.getByRole('button', { name: /Soumettre l’action/ });
      await submit.scrollIntoViewIfNeeded();
      await slowAnswers(page);
      await doubleClick(page, submit);
      await settle(page, new RegExp(`/actions/${actionId}\\?avis=soumise&deja=1`));
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      assert.equal(((await page.locator('main .fr-badge').first().textContent()) ?? '').trim(), 'Soumise');
      const notice = await textOf(page.locator('main .fr-notice').first());
      assert.match(notice, /Action soumise/);
      assert.match(notice, /déjà été envoyé : il n’a été pris en compte qu’une fois/);
      const history = page.locator('main table tbody tr');
      assert.equal(await history.count(), 1, 'soumise une seule fois');
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(mailCount(app.outboxDir) - before, 1, 'un seul accusé de réception');
      assert.match(await textOf(page.locator('main')), /9h|09:00/);

      step('aucune erreur dans la console');
      assert.deepEqual(errors, [], `erreurs relevées dans le navigateur :\n${errors.join('\n')}`);
    });
  },
);

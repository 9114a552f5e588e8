// Parcours de la déclaration : un personnel déclare et soumet une action, la coordination de
// district demande une modification, le personnel corrige, la coordination valide ; les courriels
// arrivent dans la boîte d'envoi.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { checkPageBasics, journey, skipIfNoChromium, textOf } from './harness.mjs';

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

async function badge(page) {
  // textContent, not innerText: the DSFR shows badges in capitals.
  return ((await page.locator('main .fr-badge').first().textContent()) ?? '').trim();
}

/** Attend que la boîte d'envoi contienne au moins `count` courriels, et les renvoie. */
async function mails(dir, count) {
  for (let i = 0; i < 100; i += 1) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [];
    if (files.length >= count) return files.map((f) => readFileSync(join(dir, f), 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`moins de ${count} courriels dans ${dir}`);
}

test(
  'une action déclarée, renvoyée pour modification, corrigée puis validée',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ app, page, errors, step }) => {
      step('le personnel ouvre « Mes actions »');
      await signInAs(page, /Personnel de l.établissement/);
      await page.getByRole('link', { name: /Mes actions/ }).first().click();
      await page.waitForURL(/\/mes-actions/);
      await page.getByRole('link', { name: /Déclarer une action/ }).first().click();
      await page.waitForURL(/\/actions\/nouvelle/);
      await checkPageBasics(page, assert);
      await page.getByRole('button', { name: /Commencer la déclaration/ }).click();
      await page.waitForURL(/\/actions\/\d+\/modifier/);
      const actionId = page.url().match(/\/actions\/(\d+)\//)[1];
      t.diagnostic(`action ${actionId}`);

      step('le personnel remplit la fiche-action');
      const hint = await textOf(page.locator('label[for="before_week"] .fr-hint-text'));
      const [, d, m, y] = hint.match(/du (\d{2})\/(\d{2})\/(\d{4})/);
      await page.locator('#title').fill('Forum des anciens élèves');
      await page.locator('#summary').fill('Des anciens racontent leur parcours.');
      await page.locator('#description').fill('Table ronde au CDI puis échanges en petits groupes.');
      await page.locator('#owner_name').fill('Camille Martin');
      await page.locator('#owner_role').fill('CPE');
      await page.locator('#people_involved').fill('Équipe de vie scolaire');
      await page.locator('label[for="audiences-eleves"]').click();
      await page.locator('label[for="audiences-parents"]').click();
      await page.locator('label[for="levels-3e"]').click();
      await page.locator('#scheme').selectOption('aucun');
      await page.locator('#starts_on').fill(`${y}-${m}-${d}`);
      await page.locator('#start_time').fill('14:00');
      await page.locator('#end_time').fill('16:00');
      await page.locator('#place').fill('CDI');
      await page.locator('#partners').fill('Mission locale');
      await page.locator('#expected_participants').fill('60');
      await page.locator('label[for="showcase-exposition"]').click();
      const contest = page.getByRole('group', { name: /concours d.affiches/ });
      if (await contest.count()) await contest.locator('label', { hasText: /^Oui$/ }).click();

      step('le personnel soumet');
      await page.getByRole('button', { name: /Soumettre l’action/ }).click();
      await page.waitForURL(new RegExp(`/actions/${actionId}(?:\\?|$)`));
      assert.equal(await badge(page), 'Soumise');
      await signOut(page);

      step('la coordination de district demande une modification');
      await signInAs(page, /Coordination de district/);
      await page.goto(`/actions/${actionId}`);
      await page.locator('#comment').fill('Précisez le bâtiment du CDI.');
      await page.getByRole('button', { name: /Demander des modifications/ }).click();
      await page.waitForURL(new RegExp(`/actions/${actionId}(?:\\?|$)`));
      assert.equal(await badge(page), 'Modifications demandées');
      await signOut(page);

      step('le personnel corrige et soumet de nouveau');
      await signInAs(page, /Personnel de l.établissement/);
      await page.goto(`/actions/${actionId}`);
      assert.match(await textOf(page.getByRole('main')), /Précisez le bâtiment du CDI/);
      await page.getByRole('link', { name: /Modifier l’action/ }).click();
      await page.locator('#place').fill('CDI, bâtiment B');
      await page.getByRole('button', { name: /Soumettre l’action/ }).click();
      await page.waitForURL(new RegExp(`/actions/${actionId}(?:\\?|$)`));
      assert.equal(await badge(page), 'Soumise');
      await signOut(page);

      step('la coordination valide');
      await signInAs(page, /Coordination de district/);
      await page.goto(`/actions/${actionId}`);
      assert.match(await textOf(page.getByRole('main')), /CDI, bâtiment B/);
      await page.getByRole('button', { name: /^Valider$/ }).click();
      await page.waitForURL(new RegExp(`/actions/${actionId}(?:\\?|$)`));
      assert.equal(await badge(page), 'Validée');

      step('les courriels sont dans la boîte d’envoi');
      const sent = await mails(app.outboxDir, 4);
      const subjects = sent.map((mail) => (mail.match(/^Subject: (.*)$/m) || [])[1] || '');
      t.diagnostic(`sujets : ${subjects.join(' | ')}`);
      assert.equal(sent.filter((mail) => /To: personnel@demo\.test/.test(mail)).length, 4);

      step('aucune erreur dans la console');
      assert.deepEqual(errors, [], `erreurs relevées dans le navigateur :\n${errors.join('\n')}`);
    });
  },
);

// Parcours de l'issue 10 : le référent ouvre l'édition en cours, s'inscrit à un rendez-vous,
// reçoit l'invitation (iCalendar) dans la boîte d'envoi et prend une fiche méthode de la mallette ;
// la page publique de l'édition liste les séances sans le lien de visioconférence. Un chef
// d'établissement coche deux étapes du parcours de la semaine et la coordination de district les
// voit dans son tableau.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { checkPageBasics, journey, skipIfNoChromium } from './harness.mjs';

async function signInAs(page, label) {
  await page.goto('/connexion');
  const demo = page.locator('section').filter({ has: page.getByRole('heading', { name: /Comptes de démonstration/ }) }).last();
  await demo.getByRole('button', { name: label }).first().click();
  await page.waitForURL(/\/mon-espace/);
}

async function mailsWith(dir, needle) {
  for (let i = 0; i < 100; i += 1) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [];
    const found = files.map((f) => readFileSync(join(dir, f), 'utf8')).filter((m) => m.includes(needle));
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`aucun courriel contenant ${needle} dans ${dir}`);
}

test(
  'un référent s’inscrit à un rendez-vous et reçoit l’invitation',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ app, page, step }) => {
      step('le référent ouvre les rendez-vous de l’édition en cours');
      await signInAs(page, /Référent décrochage scolaire/);
      await page.goto('/a/creteil/editions');
      await page.locator('main table tbody tr').first().getByRole('link').click();
      await page.waitForURL(/\/editions\/\d+$/);
      await page.getByRole('link', { name: 'Rendez-vous de la persévérance' }).click();
      await page.waitForURL(/\/rendez-vous$/);
      await checkPageBasics(page, assert);

      step('il s’inscrit à une séance où il n’est pas encore inscrit');
      const button = page.getByRole('button', { name: /^M’inscrire/ }).first();
      const label = (await button.textContent()) ?? '';
      const topic = label.split(' : ').pop().trim();
      t.diagnostic(`séance : ${topic}`);
      await button.click();
      await page.waitForURL(/avis=inscrit/);
      assert.match(await page.locator('main').textContent(), /Inscription enregistrée/);
      const session = page.locator('section.pv-session', { hasText: topic });
      assert.match(await session.textContent(), /Vous êtes inscrit/);
      assert.match(await session.textContent(), /lien de la visioconférence s’affichera ici/);

      step('l’invitation arrive dans la boîte d’envoi');
      const mails = await mailsWith(app.outboxDir, 'invitation.ics');
      const mail = mails.find((m) => m.includes('referent@demo.test'));
      assert.ok(mail, 'une invitation pour le référent');
      assert.match(mail, /text\/calendar; charset=utf-8; method=REQUEST/i);

      step('il prend une fiche méthode dans la mallette');
      const editionId = page.url().match(/\/editions\/(\d+)\//)[1];
      await page.goto(`/editions/${editionId}`);
      await page.getByRole('link', { name: 'La mallette' }).click();
      await page.waitForURL(/\/mallette$/);
      await checkPageBasics(page, assert);
      await page.getByRole('link', { name: 'Communiquer et valoriser une action' }).click();
      await page.waitForURL(/\/ressources\/\d+$/);
      assert.match(await page.locator('main').textContent(), /Pendant la semaine/);
      assert.match(await page.locator('main').textContent(), /commande « Imprimer » de votre navigateur/);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('header').first().isVisible(), false, 'en-tête masqué à l’impression');
      await page.emulateMedia({ media: 'screen' });

      step('la page publique liste les séances sans le lien');
      await page.goto(`/editions/${editionId}`);
      await page.getByRole('link', { name: 'Page publique de l’édition' }).click();
      await page.waitForURL(/\/a\/creteil\/editions\/\d{4}$/);
      const text = await page.locator('main').textContent();
      assert.match(text, /Les rendez-vous de la persévérance/);
      assert.ok(text.includes(topic));
      assert.ok(!(await page.content()).includes('webconf.example.fr'));
    });
  },
);

test(
  'un chef d’établissement coche deux étapes, la coordination de district les voit',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ page, step }) => {
      step('le chef d’établissement ouvre le parcours de la semaine');
      await signInAs(page, /Chef d.établissement/);
      await page.goto('/a/creteil/editions');
      await page.locator('main table tbody tr').first().getByRole('link').click();
      await page.waitForURL(/\/editions\/\d+$/);
      const editionId = page.url().match(/\/editions\/(\d+)$/)[1];
      await page.getByRole('link', { name: 'Le parcours de la semaine' }).click();
      await page.waitForURL(/\/etapes$/);
      await checkPageBasics(page, assert);
      const before = (await page.locator('main section strong').first().textContent()).trim();
      const done = Number(before.match(/^(\d+)/)[1]);

      step('il coche deux étapes');
      for (const name of [/^Cocher : Informer les élèves/, /^Cocher : Préparer la semaine/]) {
        await page.getByRole('button', { name }).click();
        await page.waitForURL(/\/etapes/);
      }
      const after = (await page.locator('main section strong').first().textContent()).trim();
      assert.equal(Number(after.match(/^(\d+)/)[1]), done + 2, after);
      const school = (await page.locator('main section h2').first().textContent()).trim();

      step('la coordination de district voit les deux étapes dans son tableau');
      await page.locator('header').getByRole('button', { name: /Se déconnecter/ }).first().click();
      await page.waitForURL((url) => url.pathname === '/');
      await signInAs(page, /Coordination de district/);
      await page.goto(`/editions/${editionId}/etapes/suivi`);
      await checkPageBasics(page, assert);
      const name = school.replace(/ \([0-9A-Z]{8}\)$/, '');
      const row = page.locator('main table tbody tr', { hasText: name });
      assert.match(await row.textContent(), new RegExp(`${done + 2} / \\d+`));
    });
  },
);

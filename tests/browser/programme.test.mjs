// Parcours de l'issue 8 : la coordination de district compose le programme de son district
// (2024), ajoute un événement, le publie, le diffuse (liste des destinataires modifiée) ; le
// courriel arrive dans la boîte d'envoi avec le programme en PDF ; la page publique s'imprime en A4.

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
  for (let i = 0; i < 150; i += 1) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [];
    const found = files.map((f) => readFileSync(join(dir, f), 'utf8')).filter((m) => m.includes(needle));
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`aucun courriel contenant ${needle} dans ${dir}`);
}

/** The base64 body of the MIME part named `name`, decoded. */
function attachment(mail, name) {
  const at = mail.indexOf(`filename="${name}"`);
  assert.ok(at > 0, `pièce jointe ${name}`);
  const rest = mail.slice(at);
  const start = rest.search(/\r?\n\r?\n/);
  const body = rest.slice(start).trim().split(/\r?\n--/)[0];
  return Buffer.from(body.replace(/\s+/g, ''), 'base64');
}

test(
  'la coordination de district compose, publie et diffuse le programme',
  { skip: skipIfNoChromium, timeout: 180_000 },
  async (t) => {
    await journey(t, async ({ app, page, step }) => {
      step('la coordination de district ouvre le programme 2024 de son district');
      await signInAs(page, /Coordination de district/);
      const districtHref = await page.locator('a[href^="/districts/"]').first().getAttribute('href');
      const district = districtHref.match(/\/districts\/(\d+)/)[1];
      await page.goto('/a/creteil/editions');
      const row = page.locator('main table tbody tr', { hasText: '2024' }).first();
      await row.getByRole('link').first().click();
      await page.waitForURL(/\/editions\/\d+$/);
      const edition = page.url().match(/\/editions\/(\d+)$/)[1];
      await page.goto(`/editions/${edition}/districts/${district}/programme`);
      await checkPageBasics(page, assert);

      step('elle retient une action de plus, la place en tête, et change l’introduction');
      const unticked = page.locator('input[name="choisies"]:not(:checked)').first();
      const id = await unticked.getAttribute('value');
      const title = (await page.locator(`tr:has(#choisie-${id}) td a`).first().textContent()).trim();
      t.diagnostic(`action ajoutée : ${title}`);
      await page.locator(`label[for="choisie-${id}"]`).click();
      await page.locator(`#rang-${id}`).fill('0');
      await page.getByRole('button', { name: 'Enregistrer la composition' }).click();
      // Rank 0 is refused with a message, the choice kept.
      assert.match(await page.locator('main').textContent(), /Indiquez le rang par un nombre entier/);
      assert.equal(await page.locator(`#choisie-${id}`).isChecked(), true, 'le choix est gardé');
      await page.locator(`#rang-${id}`).fill('1');
      await page.getByLabel(/^Introduction/).fill('Une semaine pour raccrocher : tout le programme du district.');
      await page.getByRole('button', { name: 'Enregistrer la composition' }).click();
      await page.waitForURL(/avis=enregistre/);

      step('elle ajoute un événement du district');
      await page.getByLabel(/^Titre/).fill('Café des parents du district');
      await page.getByLabel(/^Date/).fill('03/04/2024');
      await page.getByLabel(/^Heure/).fill('18h');
      await page.getByLabel(/^Lieu/).fill('Médiathèque');
      await page.getByRole('button', { name: 'Ajouter l’événement' }).click();
      await page.waitForURL(/avis=cree/);

      step('aperçu, puis publication d’une nouvelle version');
      await page.getByRole('link', { name: 'Aperçu' }).click();
      await checkPageBasics(page, assert);
      assert.match(await page.locator('main').textContent(), /Café des parents du district/);
      await page.goBack();
      await page.getByRole('button', { name: /Publier une nouvelle version/ }).click();
      await page.waitForURL(/avis=enregistre/);
      assert.match(await page.locator('#versions ~ ul').first().textContent(), /Version 3/);

      step('la page publique, sans compte, s’imprime en A4');
      const publicUrl = await page.getByRole('link', { name: 'Page publique' }).getAttribute('href');
      const anonymous = await page.context().browser().newContext({ baseURL: app.url, locale: 'fr-FR' });
      const reader = await anonymous.newPage();
      await reader.goto(publicUrl);
      await checkPageBasics(reader, assert);
      assert.match(await reader.locator('main').textContent(), new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await reader.emulateMedia({ media: 'print' });
      assert.equal(await reader.locator('header').first().isVisible(), false, 'en-tête masqué à l’impression');
      await anonymous.close();

      step('elle diffuse : décoche un destinataire, ajoute une adresse');
      await page.getByRole('link', { name: 'Diffuser' }).click();
      await page.waitForURL(/\/diffuser$/);
      await checkPageBasics(page, assert);
      assert.match(await page.locator('main').textContent(), /Depuis la dernière diffusion|Première diffusion/);
      const jeunesse = await page.locator('input[name="adresses"][value="jeunesse@ville.demo.test"]').getAttribute('id');
      await page.locator(`label[for="${jeunesse}"]`).click();
      assert.equal(await page.locator(`#${jeunesse}`).isChecked(), false);
      await page.getByLabel(/^Autres adresses/).fill('elus@ville.demo.test');
      await page.getByRole('button', { name: 'Diffuser le programme' }).click();
      await page.waitForURL(/\/diffuser\?avis=enregistre/);

      step('le courriel arrive dans la boîte d’envoi avec le PDF');
      // Each address's mail is its own job: wait for the one to the address added.
      const toElus = (await mailsWith(app.outboxDir, 'elus@ville.demo.test'))[0];
      const mails = await mailsWith(app.outboxDir, 'programme.pdf');
      assert.ok(toElus, 'un courriel pour l’adresse ajoutée');
      assert.match(toElus, /application\/pdf/);
      const pdf = attachment(toElus, 'programme.pdf');
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok(!mails.some((m) => m.includes('To: jeunesse@ville.demo.test')), 'le destinataire décoché ne reçoit rien');

      step('le journal montre la diffusion');
      await page.reload();
      assert.match(await page.locator('#journal ~ section').first().textContent(), /Version 3, diffusée/);
    });
  },
);

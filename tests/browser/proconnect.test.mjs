// Parcours ProConnect : un agent s'identifie avec ProConnect (ici le fournisseur OpenID Connect
// de test, npm oidc-provider, tests/oidc/provider.mjs), sur la page de connexion du fournisseur,
// retrouve son compte et ses rôles, puis se déconnecte aussi chez le fournisseur.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

import { ROOT, checkPageBasics, journey, skipIfNoChromium, textOf } from './harness.mjs';

const skip = skipIfNoChromium
  || (existsSync(join(ROOT, 'node_modules', 'oidc-provider')) ? false : 'npm oidc-provider absent (npm ci)');

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Lance le fournisseur de test pour un service qui écoutera sur `appPort`. */
async function startProvider(appPort) {
  const app = `http://127.0.0.1:${appPort}`;
  const child = spawn(process.execPath, [join(ROOT, 'tests', 'oidc', 'provider.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      OIDC_CLIENT_ID: 'perseverance-parcours',
      OIDC_CLIENT_SECRET: 'secret-du-parcours-0123456789-abcdefghij',
      OIDC_REDIRECT_URI: `${app}/connexion/oidc/retour`,
      OIDC_POST_LOGOUT_URI: `${app}/`,
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const issuer = await new Promise((resolveIssuer, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('listening ')) resolveIssuer(line.slice('listening '.length));
    });
    child.once('exit', (code) => reject(new Error(`fournisseur de test arrêté (code ${code})`)));
  });
  return { issuer, stop: () => child.kill() };
}

test(
  'un agent s’identifie avec ProConnect, retrouve ses rôles et se déconnecte aussi du fournisseur',
  { skip, timeout: 120_000 },
  async (t) => {
    const port = await freePort();
    const provider = await startProvider(port);
    try {
      await journey(t, async ({ app, page, errors, step }) => {
        step('page de connexion : bouton ProConnect');
        await page.goto('/connexion');
        await checkPageBasics(page, assert);
        const button = page.getByRole('button', { name: /S’identifier avec\s+ProConnect/ });
        assert.equal(await button.count(), 1, 'un bouton « S’identifier avec ProConnect »');

        step('page de connexion du fournisseur');
        await button.click();
        await page.waitForURL((url) => url.href.startsWith(`${provider.issuer}/interaction/`));
        await page.getByLabel('Adresse électronique').fill('coordination.district@demo.test');
        await page.getByRole('button', { name: 'Se connecter' }).click();

        step('retour sur « Mon espace », avec les rôles du compte existant');
        await page.waitForURL(`${app.url}/mon-espace`);
        assert.equal(await checkPageBasics(page, assert), 'Mon espace');
        assert.match(await textOf(page.getByRole('main')), /Coordinat/i, 'les rôles du compte sont listés');

        step('déconnexion : chez le fournisseur aussi');
        await page.locator('header').getByRole('button', { name: 'Se déconnecter' }).first().click();
        await page.waitForURL((url) => url.href.startsWith(`${provider.issuer}/session/end`));
        // La page de déconnexion du fournisseur demande confirmation.
        await page.locator('button[name="logout"]').click();
        // Retour à l'accueil (le fournisseur y ajoute le `state` de la déconnexion).
        await page.waitForURL((url) => url.origin === app.url && url.pathname === '/');
        assert.equal(
          await page.locator('header').getByRole('button', { name: 'Se déconnecter' }).count(),
          0,
          'plus de session',
        );

        step('aucune erreur dans la console');
        const ours = errors.filter((e) => !e.includes(provider.issuer));
        assert.deepEqual(ours, [], `erreurs relevées dans le navigateur :\n${ours.join('\n')}`);
      }, {
        addr: `127.0.0.1:${port}`,
        env: {
          PERSEVERANCE_OIDC_ISSUER: provider.issuer,
          PERSEVERANCE_OIDC_CLIENT_ID: 'perseverance-parcours',
          PERSEVERANCE_OIDC_CLIENT_SECRET: 'secret-du-parcours-0123456789-abcdefghij',
        },
      });
    } finally {
      provider.stop();
    }
  },
);

// Outils communs aux parcours navigateur (node:test + playwright-core + Chromium de Debian).
//
// startApp()        lance `target/debug/perseverance serve --demo` sur un port libre (ou `addr`), dans
//                   un dossier temporaire (base SQLite, boîte d'envoi, données), et attend qu'il écoute.
// launchBrowser()   lance /usr/bin/chromium en headless avec les options qui conviennent à cette machine.
// skipIfNoChromium  raison d'ignorer un test quand Chromium est absent (sinon false).
// journey(t, fn)    tout ce qu'il faut pour un parcours : application, navigateur, page, erreurs de
//                   console, capture d'écran et HTML dans test-results/ en cas d'échec.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BINARY = process.env.PERSEVERANCE_BIN || join(ROOT, 'target', 'debug', 'perseverance');
export const CHROMIUM = process.env.PERSEVERANCE_CHROMIUM || '/usr/bin/chromium';
export const RESULTS_DIR = join(ROOT, 'test-results');

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 64 * 1024;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Raison d'ignorer les parcours (chaîne) si Chromium est absent, sinon false. */
export const skipIfNoChromium = existsSync(CHROMIUM)
  ? false
  : `Chromium absent (${CHROMIUM}) : parcours navigateur ignoré (apt-get install -y chromium chromium-driver)`;

// Processus encore vivants, arrêtés si le processus de test se termine sans les avoir arrêtés.
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* déjà arrêté */ }
  }
});

function keepTail(buffer, chunk) {
  const next = buffer + chunk;
  return next.length > LOG_LIMIT ? next.slice(next.length - LOG_LIMIT) : next;
}

/**
 * Lance l'application de démonstration sur 127.0.0.1, port choisi par le système.
 * @returns {Promise<{url: string, outboxDir: string, dataDir: string, logs: () => string, stop: () => Promise<void>}>}
 */
export async function startApp({ args = [], env = {}, addr = '127.0.0.1:0' } = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(`binaire introuvable : ${BINARY} (lancez \`cargo build\` d'abord)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'perseverance-parcours-'));
  const outboxDir = join(dataDir, 'outbox');
  const child = spawn(BINARY, ['serve', '--demo', '--addr', addr, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dataDir}/demo.db`,
      PERSEVERANCE_OUTBOX_DIR: outboxDir,
      PERSEVERANCE_FILES_DIR: join(dataDir, 'files'),
      PERSEVERANCE_DATA_DIR: dataDir,
      RUST_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  let stdout = '';
  let stderr = '';
  let exited = null; // { code, signal } une fois le processus terminé
  const exitPromise = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolveExit(exited);
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr = keepTail(stderr, chunk); });

  const logs = () => `--- stdout ---\n${stdout}--- stderr ---\n${stderr}`;

  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      if (!exited && child.pid !== undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, STOP_TIMEOUT_MS);
        await exitPromise;
        clearTimeout(timer);
      }
      if (process.env.PERSEVERANCE_KEEP_TMP !== '1') {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  };

  // Attend la ligne « Persévérance écoute sur http://127.0.0.1:PORT/ » (ou tout autre ligne de
  // stdout qui porte cette adresse), un arrêt prématuré, ou le délai maximal.
  const waitForUrl = () => new Promise((resolveUrl, rejectUrl) => {
    let settled = false;
    const timer = setTimeout(() => {
      fail(`perseverance serve --demo n'a pas annoncé son adresse en ${START_TIMEOUT_MS / 1000} s`);
    }, START_TIMEOUT_MS);
    function fail(message) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rejectUrl(new Error(`${message}\n${logs()}`));
    }

    // Lit toute la sortie, y compris après le démarrage, pour que le tube ne se remplisse jamais.
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      stdout = keepTail(stdout, `${line}\n`);
      const match = line.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolveUrl(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.once('error', (error) => fail(`impossible de lancer ${BINARY} : ${error.message}`));
    exitPromise.then(({ code, signal }) => {
      fail(`perseverance serve --demo s'est arrêté avant d'écouter (code ${code}, signal ${signal})`);
    });
  });

  let url;
  try {
    url = await waitForUrl();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, outboxDir, dataDir, logs, stop };
}

/** Lance Chromium (Debian) en headless. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Relève les erreurs de la page : messages de console de type « error » (dont les ressources en
 * échec, 404 compris), exceptions JavaScript non rattrapées, requêtes qui n'aboutissent pas.
 */
export function watchPageErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location()?.url;
      errors.push(`console : ${message.text()}${where ? ` (${where})` : ''}`);
    }
  });
  page.on('pageerror', (error) => errors.push(`exception : ${error.message}`));
  page.on('requestfailed', (request) => {
    // Une requête interrompue par la navigation suivante (net::ERR_ABORTED) n'est pas une erreur.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    errors.push(`requête en échec : ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
  });
  return errors;
}

function slug(text) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80)
    .toLowerCase() || 'parcours';
}

/** Enregistre une capture d'écran et le HTML de la page dans test-results/ ; renvoie le chemin. */
export async function saveFailureArtifacts(page, name) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, slug(name));
  try {
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5_000 });
  } catch { /* page fermée ou bloquée : on garde au moins le HTML si possible */ }
  try {
    writeFileSync(`${base}.html`, await page.content());
  } catch { /* idem */ }
  return base;
}

/**
 * Déroule un parcours : lance l'application et le navigateur, ouvre une page (locale fr-FR,
 * baseURL = application), appelle fn({ app, page, errors, step }), puis ferme tout.
 * En cas d'échec : capture d'écran + HTML dans test-results/, adresse de la page et journaux de
 * l'application dans les diagnostics du test.
 */
export async function journey(t, fn, appOptions = {}) {
  const app = await startApp(appOptions);
  let browser;
  let page;
  let currentStep = 'démarrage';
  const step = (label) => {
    currentStep = label;
    t.diagnostic(`étape : ${label}`);
  };
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'fr-FR', baseURL: app.url });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    page = await context.newPage();
    const errors = watchPageErrors(page);
    await fn({ app, page, errors, step });
  } catch (error) {
    if (page) {
      const base = await saveFailureArtifacts(page, t.name);
      t.diagnostic(`échec à l'étape « ${currentStep} » sur ${page.url()}`);
      t.diagnostic(`capture : ${base}.png, HTML : ${base}.html`);
    }
    // Une ligne par diagnostic : TAP n'accepte pas les sauts de ligne dans un diagnostic.
    const logLines = app.logs().trimEnd().split('\n');
    t.diagnostic("journaux de l'application (fin) :");
    for (const line of logLines.slice(-60)) t.diagnostic(`  ${line}`);
    throw error;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await app.stop();
  }
}

/** Texte visible d'un élément, espaces normalisés. */
export async function textOf(locator) {
  return ((await locator.innerText()) ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Vérifications communes à toute page : un seul h1, les liens d'évitement vers #contenu et leur
 * cible. Renvoie le texte du h1.
 */
export async function checkPageBasics(page, assert) {
  const h1 = page.locator('h1');
  await h1.first().waitFor();
  assert.equal(await h1.count(), 1, `un seul h1 attendu sur ${page.url()}`);
  assert.ok(
    (await page.locator('a[href="#contenu"]').count()) >= 1,
    `lien d'évitement a[href="#contenu"] absent sur ${page.url()}`,
  );
  assert.equal(await page.locator('#contenu').count(), 1, `cible #contenu absente sur ${page.url()}`);
  return textOf(h1);
}

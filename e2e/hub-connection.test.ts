// End to end in headless Chromium against browser mode, with a real hub (in this process, SQLite in a
// temp dir): connect from Settings by keyboard, see the hub task in the queue, decide it, sync, and
// check the hub recorded the decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend, startHub, hubClient, sha, type HubClient, type RunningHub } from '../src-server/testing/hub-fixture.ts';
import { AppPage } from './page-models/app-page.ts';
import { QueuePage } from './page-models/queue-page.ts';
import { SettingsPage } from './page-models/settings-page.ts';
import { unlabelledControls } from './support/a11y.ts';
import { startAppUnderTest, type AppUnderTest } from './support/app-server.ts';
import { hasChromium, launchChromium, screenshot } from './support/browser.ts';

if (!hasChromium) console.warn('SKIPPED e2e/hub-connection: no Chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!hasChromium)('connecting to a hub from Settings and deciding a hub task (browser mode)', () => {
  let hub: RunningHub;
  let dropHub: () => Promise<void>;
  let admin: HubClient;
  let app: AppUnderTest;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let code: string;
  let hubTaskId: number;
  const keyStorage = process.env.COUNTERSIGN_KEY_STORAGE;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const opened = await sqliteBackend.open();
    dropHub = opened.drop;
    hub = await startHub(opened.db);
    // As `countersign-admin init` does: the first admin straight into the database; the rest over the API.
    const root = await hub.service.createUser({ name: 'root', role: 'admin', siteId: null });
    admin = hubClient(hub.url, root.token);
    const site = await admin.call('sites.create', { name: 'Berlin' });
    const rita = await admin.call('users.create', { name: 'rita', role: 'reviewer', siteId: site.id });
    const queue = await admin.call('queues.create', { siteId: site.id, name: 'invoices' });
    const task = await admin.call('tasks.create', {
      tasks: [{ queueId: queue.id, docRef: 'device-9/document-41', docSha256: sha(41), docType: 'invoice', fields: { vendor: 'ACME GmbH', total: '98.00' }, priority: 5, dueAt: null }],
    });
    hubTaskId = task.items[0]!.id;
    // The site routes with the hub's policy: Settings names it once the device pulled it.
    const policy = await admin.call('artifacts.publish', { kind: 'policy', name: 'berlin', content: { version: 'berlin-1', docTypes: { invoice: { classThreshold: 0.9 } } } });
    await admin.call('artifacts.assign', { siteId: site.id, kind: 'policy', name: 'berlin', version: policy.version });
    code = (await admin.call('devices.createEnrollmentCode', { siteId: site.id, userId: rita.user.id, ttlMinutes: 60 })).code;

    // The device credential goes to a file in the temp data dir, not this machine's keychain.
    process.env.COUNTERSIGN_KEY_STORAGE = 'file';
    app = await startAppUnderTest({ understanding: null });
    browser = await launchChromium();
    browser.page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 300_000);

  afterAll(async () => {
    if (keyStorage === undefined) delete process.env.COUNTERSIGN_KEY_STORAGE;
    else process.env.COUNTERSIGN_KEY_STORAGE = keyStorage;
    await browser?.close();
    await app?.close();
    await hub?.close();
    await hub?.db.close();
    await dropHub?.();
  });

  it('refuses a wrong enrollment code with the hub’s message, then connects by keyboard and shows the status', async () => {
    const page = browser.page;
    const shell = new AppPage(page);
    const settings = new SettingsPage(page);
    await shell.open(app.server.url);
    await shell.goTo('Settings');
    await settings.hubState().filter({ hasText: 'Not connected' }).waitFor();

    await settings.connectHubByKeyboard(hub.url, 'cse_not-a-real-code', 'e2e-laptop');
    await settings.hubError().waitFor();
    expect(await settings.hubError().textContent()).toMatch(/credential/i);

    await settings.connectHubByKeyboard(hub.url, code, 'e2e-laptop');
    await settings.hubState().filter({ hasText: `Connected to ${hub.url}` }).waitFor();
    await expect.poll(() => settings.hubSection().getByTestId('hub-last-error').textContent()).toBe('none');
    // The first sync runs right after enrolling; the section shows its time once it is done.
    await expect.poll(() => settings.hubSection().textContent(), { timeout: 60_000 }).not.toMatch(/Last sync\s*not yet/);
    expect(await settings.hubOutboxLength()).toBe(0);
    await expect.poll(() => settings.activePolicy()).toBe('hub:berlin@1 (assigned by the hub)');
    await screenshot(page, 'settings-hub');
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('lists the hub task beside local ones, decides it, and Sync now delivers the decision to the hub', async () => {
    const page = browser.page;
    const shell = new AppPage(page);
    const queue = new QueuePage(page);
    const settings = new SettingsPage(page);
    await shell.goTo('Queue');
    await queue.waitForLoaded();
    const row = queue.hubTaskRow(hubTaskId);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toMatch(/^hub.*device-9\/document-41.*invoice/);
    expect(text).toContain('vendor: ACME GmbH');
    expect(text).toContain('total: 98.00');

    const detail = await queue.openHubTask(hubTaskId);
    expect(await detail.textContent()).toContain(sha(41));
    await screenshot(page, 'queue-hub-task');
    await detail.getByRole('button', { name: 'Approve' }).focus();
    await page.keyboard.press('Enter');
    await detail.getByTestId('hub-task-state').filter({ hasText: 'approve here, waiting to sync' }).waitFor();
    expect(await unlabelledControls(page)).toEqual([]);

    await shell.goTo('Settings');
    await expect.poll(() => settings.hubOutboxLength()).toBe(1);
    await settings.syncNow();
    await expect.poll(() => settings.hubOutboxLength()).toBe(0);
    await expect.poll(() => settings.hubSection().getByTestId('hub-audit-pending').textContent()).toBe('0');

    const onHub = await admin.call('tasks.list', { status: 'decided' });
    expect(onHub.items.map((t) => [t.id, t.decision?.action])).toEqual([[hubTaskId, 'approve']]);
    const decisions = await admin.call('tasks.decisions', { taskId: hubTaskId });
    expect(decisions.items).toMatchObject([{ action: 'approve', status: 'accepted' }]);

    await shell.goTo('Queue');
    await queue.hubTaskRow(hubTaskId).filter({ hasText: 'recorded by the hub' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});

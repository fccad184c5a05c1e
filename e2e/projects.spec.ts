import { expect, test } from './fixtures';
import { AccessLinkPage } from './pages/access-link.page';
import { HomePage } from './pages/home.page';
import { ProjectPage } from './pages/project.page';

test('create a project from a template, see it listed, open it; it survives a reload', async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('static');

  const project = new ProjectPage(page);
  await project.expectFiles(['index.html', 'style.css', 'script.js']);
  expect(await project.crossOriginIsolated()).toBe(true);

  await page.reload();
  await project.expectFiles(['index.html', 'style.css', 'script.js']);

  await home.goto();
  await expect(home.projectItem(projectId)).toContainText('Static HTML/CSS/JS');
  await home.projectItem(projectId).getByRole('link').click();
  await project.expectFiles(['index.html']);
});

test('another visitor cannot open my project', async ({ home, page, browser }) => {
  await home.goto();
  const projectId = await home.createProject('empty');

  const stranger = await browser.newContext();
  try {
    const res = await stranger.request.get(
      `/api/trpc/project.byId?input=${encodeURIComponent(JSON.stringify({ json: { projectId } }))}`,
    );
    expect(res.status()).toBe(404);
    expect(JSON.stringify(await res.json())).toContain('Project not found.');
  } finally {
    await stranger.close();
  }
  await expect(page).toHaveURL(new RegExp(projectId));
});

test('an access link asks before it switches a browser, another site cannot switch it, then it restores my identity', async ({ home, page, browser }) => {
  await home.goto();
  const projectId = await home.createProject('empty');
  await home.goto();
  const path = await home.createAccessLink();
  const ide = new URL(page.url()).origin;

  const other = await browser.newContext();
  try {
    const otherPage = await other.newPage();
    const otherHome = new HomePage(otherPage);
    await otherHome.goto();
    const ownProject = await otherHome.createProject('empty');
    const identity = async () => (await other.cookies(ide)).find((c) => c.name === 'ide_session')?.value;
    const before = await identity();
    expect(before).toBeTruthy();

    // Another site links to the access link and, failing that, posts the switch form itself.
    await otherPage.route('http://evil.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<a href="${ide}${path}">open</a><form method="post" action="${ide}${path}/switch"><button>go</button></form>`,
      }),
    );
    await otherPage.goto('http://evil.test/');
    await otherPage.getByRole('link', { name: 'open' }).click();
    const access = new AccessLinkPage(otherPage);
    await expect(access.switchButton).toBeVisible();
    await expect(access.currentIdentity).toContainText('owns 1 project');
    await expect(access.currentIdentity).toContainText('it has no access link');
    expect(await identity()).toBe(before);
    await otherPage.goto('http://evil.test/');
    const refused = otherPage.waitForResponse((r) => r.url().endsWith('/switch'));
    await otherPage.getByRole('button', { name: 'go' }).click();
    expect((await refused).status()).toBe(403);
    expect(await identity()).toBe(before);

    await access.goto(path);
    await access.switchIdentity();
    expect(await identity()).not.toBe(before);
    await expect(otherHome.projectItem(projectId)).toBeVisible();
    await expect(otherHome.projectItem(ownProject)).toHaveCount(0);
  } finally {
    await other.close();
  }
});

import { expect, test } from './fixtures';
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

test('an access link restores my identity in another browser', async ({ home, page, browser }) => {
  await home.goto();
  const projectId = await home.createProject('empty');
  await home.goto();
  await page.getByRole('button', { name: 'Create access link' }).click();
  const path = new URL(await page.getByTestId('access-link-url').inputValue()).pathname;

  const other = await browser.newContext();
  try {
    const otherPage = await other.newPage();
    await otherPage.goto(path);
    await expect(otherPage).toHaveURL(/access=restored/);
    await expect(otherPage.locator(`[data-testid="project-list-item"][data-project-id="${projectId}"]`)).toBeVisible();
  } finally {
    await other.close();
  }
});

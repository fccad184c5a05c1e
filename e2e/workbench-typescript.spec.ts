import { expect, test } from './fixtures';
import { WorkbenchPage } from './pages/workbench.page';

// The TypeScript service sees the whole project: imports resolve to the other files (with and without
// the extension), their exports' types reach the importing file, and go to definition opens the file.
test('go to definition opens the imported file at the definition; another file’s types report errors', async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);
  await wb.editor.expectOpen('src/App.tsx');

  // `add(a: number, b: number)` lives in src/math.ts; imported here once more with the `.ts` extension.
  await wb.editor.append("\nimport { add as plus } from './math.ts';\nexport const sum: number = plus(1, '2');\n");
  await expect(async () => {
    await expect(await wb.editor.lastProblem()).toContainText(
      "Argument of type 'string' is not assignable to parameter of type 'number'",
      { timeout: 1_000 },
    );
  }).toPass({ timeout: 60_000 });

  // F12 on `add` (the import `./math`, no extension): math.ts's tab is active, the cursor on the name.
  await wb.editor.findAndSelect('{ add }');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('F12');
  await wb.editor.expectOpen('src/math.ts');
  await expect(wb.editor.cursor()).toHaveText('Ln 1, Col 17');
});

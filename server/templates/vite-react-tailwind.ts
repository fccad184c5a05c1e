import type { Template } from '@/server/templates/types';
import { viteReactShared } from '@/server/templates/vite-react';

// The template "New from design" starts from: Vite + React + TypeScript with Tailwind CSS v4 (its
// Vite plugin; no config file, the theme lives in CSS). Its dependencies come from the npm registry
// only and are cached by `npm run sandbox:prewarm` like every template's.

export const viteReactTailwindTemplate: Template = {
  id: 'vite-react-tailwind',
  title: 'Vite + React + TypeScript + Tailwind',
  description: 'A React app styled with Tailwind CSS v4; what "New from design" builds on.',
  main: 'src/App.tsx',
  files: {
    'package.json': `${JSON.stringify(
      {
        name: 'vite-react-tailwind-app',
        private: true,
        type: 'module',
        scripts: { dev: 'vite', build: 'vite build', preview: 'vite preview' },
        dependencies: { react: '^19.2.0', 'react-dom': '^19.2.0' },
        devDependencies: {
          '@tailwindcss/vite': '^4.3.0',
          '@types/react': '^19.2.0',
          '@types/react-dom': '^19.2.0',
          '@vitejs/plugin-react': '^6.0.0',
          tailwindcss: '^4.3.0',
          typescript: '~5.9.3',
          vite: '^8.0.0',
        },
      },
      null,
      2,
    )}\n`,
    'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Prototype</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`,
    'vite.config.ts': `import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: { host: true },
});
`,
    ...viteReactShared,
    'src/App.tsx': `export function App() {
  return (
    <main className="grid min-h-dvh place-items-center bg-white text-slate-900">
      <h1 className="text-3xl font-semibold tracking-tight">Ready for a design</h1>
    </main>
  );
}
`,
    'src/index.css': `@import 'tailwindcss';
`,
    '.gitignore': 'node_modules\ndist\n',
  },
};

import type { Template } from '@/server/templates/types';

/** The TypeScript settings and entry point every Vite + React template shares. */
export const viteReactShared = {
  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        module: 'ESNext',
        moduleResolution: 'bundler',
        jsx: 'react-jsx',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      include: ['src'],
    },
    null,
    2,
  )}\n`,
  'src/main.tsx': `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './index.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`,
};

export const viteReactTemplate: Template = {
  id: 'vite-react-ts',
  title: 'Vite + React + TypeScript + Vitest',
  description: 'A React app with hot reload and unit tests.',
  main: 'src/App.tsx',
  files: {
    'package.json': `${JSON.stringify(
      {
        name: 'vite-react-app',
        private: true,
        type: 'module',
        scripts: { dev: 'vite', build: 'vite build', preview: 'vite preview', test: 'vitest run' },
        dependencies: { react: '^19.2.0', 'react-dom': '^19.2.0' },
        devDependencies: {
          '@types/react': '^19.2.0',
          '@types/react-dom': '^19.2.0',
          '@vitejs/plugin-react': '^6.0.0',
          typescript: '~5.9.3',
          vite: '^8.0.0',
          vitest: '^4.0.0',
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
    <title>Vite + React</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`,
    'vite.config.ts': `import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  server: { host: true },
});
`,
    ...viteReactShared,
    'src/App.tsx': `import { useState } from 'react';
import { add } from './math';

export function App() {
  const [count, setCount] = useState(0);
  return (
    <main>
      <h1>Hello from Vite + React</h1>
      <button onClick={() => setCount((c) => add(c, 1))}>count is {count}</button>
      <p>Edit <code>src/App.tsx</code> and save to see it here.</p>
    </main>
  );
}
`,
    'src/math.ts': `export function add(a: number, b: number): number {
  return a + b;
}
`,
    'src/math.test.ts': `import { describe, expect, it } from 'vitest';
import { add } from './math';

describe('add', () => {
  it('adds two numbers', () => {
    expect(add(2, 3)).toBe(5);
  });
});
`,
    'src/index.css': `:root { font-family: system-ui, sans-serif; color-scheme: light dark; }
body { margin: 0; display: grid; place-items: center; min-height: 100vh; }
button { font: inherit; padding: 0.5rem 1rem; border-radius: 0.5rem; }
`,
    '.gitignore': 'node_modules\ndist\n',
  },
};

import type { Template } from '@/server/templates/types';

export const nodeVitestTemplate: Template = {
  id: 'node-vitest',
  title: 'Node + Vitest',
  description: 'A TypeScript library with unit tests.',
  main: 'src/strings.ts',
  files: {
    'package.json': `${JSON.stringify(
      {
        name: 'node-vitest',
        private: true,
        type: 'module',
        scripts: { test: 'vitest run', 'test:watch': 'vitest' },
        devDependencies: { vitest: '^4.0.0', typescript: '~5.9.3' },
      },
      null,
      2,
    )}\n`,
    'src/strings.ts': `export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
`,
    'src/strings.test.ts': `import { describe, expect, it } from 'vitest';
import { capitalize } from './strings';

describe('capitalize', () => {
  it('upper-cases the first letter', () => {
    expect(capitalize('hello')).toBe('Hello');
  });
});
`,
    'tsconfig.json': `${JSON.stringify(
      { compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true }, include: ['src'] },
      null,
      2,
    )}\n`,
    'README.md': '# Node + Vitest\n\nRun `npm install`, then `npm test`.\n',
    '.gitignore': 'node_modules\n',
  },
};

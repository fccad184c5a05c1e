import { describe, expect, it } from 'vitest';
import { compilerOptionsFrom } from '@/components/editor/project-config';

describe('compilerOptionsFrom', () => {
  it('reads the options the editor honours from a tsconfig with comments and trailing commas', () => {
    const text = `{
      // Vite's template
      "compilerOptions": { "jsx": "react", "strict": false, "noUnusedLocals": true, "moduleResolution": "bundler", },
    }`;
    expect(compilerOptionsFrom(text)).toEqual({ jsx: 2, strict: false, noUnusedLocals: true });
  });

  it('matches option names and JSX modes regardless of case', () => {
    expect(compilerOptionsFrom('{"compilerOptions":{"JSX":"React-JSX","Strict":true}}')).toEqual({ jsx: 4, strict: true });
  });

  it('leaves out values of the wrong type or unknown, and keeps the rest', () => {
    expect(compilerOptionsFrom('{"compilerOptions":{"jsx":"vue","strict":"yes","checkJs":true,"jsxImportSource":"a b"}}')).toEqual({
      checkJs: true,
    });
  });

  it('gives nothing for a file that does not parse, has no options, is missing or too large', () => {
    expect(compilerOptionsFrom('{"compilerOptions": {')).toEqual({});
    expect(compilerOptionsFrom('[1, 2]')).toEqual({});
    expect(compilerOptionsFrom('{"compilerOptions": 3}')).toEqual({});
    expect(compilerOptionsFrom(null)).toEqual({});
    expect(compilerOptionsFrom(`{"compilerOptions":{"strict":false}}${' '.repeat(64 * 1024)}`)).toEqual({});
  });
});

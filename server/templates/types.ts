export const templateIds = ['vite-react-ts', 'vite-react-tailwind', 'static', 'node-vitest'] as const;
export type TemplateId = (typeof templateIds)[number];

export interface Template {
  id: TemplateId;
  title: string;
  description: string;
  /** The file the editor shows when the project is first opened. */
  main: string;
  /** path → UTF-8 text */
  files: Record<string, string>;
}

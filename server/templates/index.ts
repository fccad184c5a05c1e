import { nodeVitestTemplate } from '@/server/templates/node-vitest';
import { staticTemplate } from '@/server/templates/static-site';
import type { Template, TemplateId } from '@/server/templates/types';
import { viteReactTemplate } from '@/server/templates/vite-react';
import { viteReactTailwindTemplate } from '@/server/templates/vite-react-tailwind';

export const templates: readonly Template[] = [viteReactTemplate, viteReactTailwindTemplate, staticTemplate, nodeVitestTemplate];

export { templateIds, type TemplateId } from '@/server/templates/types';

export function getTemplate(id: TemplateId): Template {
  const template = templates.find((t) => t.id === id);
  if (!template) throw new Error(`unknown template ${id}`);
  return template;
}

/** The template's main file, for a project made from it (null for a blank project or an unknown id). */
export function mainFileOf(id: string | null): string | null {
  return templates.find((t) => t.id === id)?.main ?? null;
}

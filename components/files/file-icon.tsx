import { ChevronIcon } from '@/components/ui/icons';

// Icons by type as small coloured glyphs, the way editors mark files at a glance.
const byExtension: Record<string, { glyph: string; className: string }> = {
  ts: { glyph: 'TS', className: 'text-sky-600 dark:text-sky-400' },
  tsx: { glyph: 'TSX', className: 'text-sky-600 dark:text-sky-400' },
  mts: { glyph: 'TS', className: 'text-sky-600 dark:text-sky-400' },
  js: { glyph: 'JS', className: 'text-yellow-600 dark:text-yellow-400' },
  mjs: { glyph: 'JS', className: 'text-yellow-600 dark:text-yellow-400' },
  cjs: { glyph: 'JS', className: 'text-yellow-600 dark:text-yellow-400' },
  jsx: { glyph: 'JSX', className: 'text-yellow-600 dark:text-yellow-400' },
  json: { glyph: '{}', className: 'text-amber-600 dark:text-amber-400' },
  css: { glyph: '#', className: 'text-violet-600 dark:text-violet-400' },
  scss: { glyph: '#', className: 'text-pink-600 dark:text-pink-400' },
  html: { glyph: '<>', className: 'text-orange-600 dark:text-orange-400' },
  md: { glyph: 'M↓', className: 'text-zinc-500 dark:text-zinc-400' },
  svg: { glyph: '◇', className: 'text-emerald-600 dark:text-emerald-400' },
  png: { glyph: '▣', className: 'text-emerald-600 dark:text-emerald-400' },
  jpg: { glyph: '▣', className: 'text-emerald-600 dark:text-emerald-400' },
  jpeg: { glyph: '▣', className: 'text-emerald-600 dark:text-emerald-400' },
  gif: { glyph: '▣', className: 'text-emerald-600 dark:text-emerald-400' },
  webp: { glyph: '▣', className: 'text-emerald-600 dark:text-emerald-400' },
  ico: { glyph: '▣', className: 'text-emerald-600 dark:text-emerald-400' },
  py: { glyph: 'PY', className: 'text-blue-600 dark:text-blue-400' },
  sh: { glyph: '$', className: 'text-lime-600 dark:text-lime-400' },
  yml: { glyph: 'Y', className: 'text-rose-600 dark:text-rose-400' },
  yaml: { glyph: 'Y', className: 'text-rose-600 dark:text-rose-400' },
  txt: { glyph: '≡', className: 'text-zinc-500 dark:text-zinc-400' },
};
const byName: Record<string, { glyph: string; className: string }> = {
  'package.json': { glyph: 'npm', className: 'text-red-600 dark:text-red-400' },
  'package-lock.json': { glyph: 'npm', className: 'text-red-600/70 dark:text-red-400/70' },
  '.gitignore': { glyph: 'git', className: 'text-orange-700 dark:text-orange-400' },
  'tsconfig.json': { glyph: 'TS', className: 'text-sky-700 dark:text-sky-300' },
};

export function FileIcon({ name }: { name: string }) {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  const icon = byName[name] ?? byExtension[ext] ?? { glyph: '•', className: 'text-zinc-400' };
  return (
    <span aria-hidden="true" className={`inline-flex w-6 shrink-0 justify-center font-mono text-[9px] font-bold tracking-tighter ${icon.className}`}>
      {icon.glyph}
    </span>
  );
}

export function FolderIcon({ open }: { open: boolean }) {
  return (
    <span aria-hidden="true" className="inline-flex w-6 shrink-0 justify-center text-zinc-500">
      <ChevronIcon size={14} className={`transition-transform ${open ? 'rotate-90' : ''}`} />
    </span>
  );
}

'use client';

import { memo, useEffect, useState, type ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

// The model's answers as Markdown. Raw HTML is not rendered (react-markdown escapes it unless a
// rehype-raw plugin is added, and none is), links only keep http(s)/mailto, and images are shown as
// links: a model must not make the page fetch things. Code blocks are coloured by Monaco's
// tokenizer, which the workbench has already loaded; its output is escaped markup.

const SAFE_URL = /^(https?:|mailto:|#)/i;

const LANGS: Record<string, string> = { ts: 'typescript', tsx: 'typescript', js: 'javascript', jsx: 'javascript', sh: 'shell', bash: 'shell', zsh: 'shell', py: 'python', yml: 'yaml', md: 'markdown' };

function CodeBlock({ code, lang }: { code: string; lang: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    if (!lang) return;
    import('@/components/editor/monaco')
      .then(({ loadMonaco }) => loadMonaco())
      .then((monaco) => {
        const id = LANGS[lang] ?? lang;
        if (!monaco.languages.getLanguages().some((l) => l.id === id)) return null;
        return monaco.editor.colorize(code, id, { tabSize: 2 });
      })
      .then((out) => !cancelled && out && setHtml(out))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [code, lang]);
  return (
    <pre className="my-2 overflow-x-auto rounded-md border border-zinc-200 bg-zinc-50 p-2 text-[12px] leading-5 dark:border-zinc-800 dark:bg-zinc-950">
      {/* Monaco's colorize escapes the code and emits only spans with classes. */}
      {html ? <code dangerouslySetInnerHTML={{ __html: html }} /> : <code>{code}</code>}
    </pre>
  );
}

const components: Components = {
  a: ({ href, children }) =>
    href && SAFE_URL.test(href) ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="text-indigo-600 underline dark:text-indigo-400">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) => (typeof src === 'string' && /^https?:/i.test(src) ? <a href={src} target="_blank" rel="noopener noreferrer nofollow" className="text-indigo-600 underline">{alt || 'image'}</a> : <span>{alt}</span>),
  pre: ({ children }) => <>{children}</>,
  code: ({ className, children, ...rest }: ComponentProps<'code'> & { node?: unknown }) => {
    const text = String(children ?? '');
    const lang = /language-([\w+-]+)/.exec(className ?? '')?.[1];
    const block = lang !== undefined || text.includes('\n');
    if (block) return <CodeBlock code={text.replace(/\n$/, '')} lang={lang ?? ''} />;
    void rest;
    return <code className="rounded bg-zinc-200/70 px-1 py-px text-[0.9em] dark:bg-zinc-800">{children}</code>;
  },
  table: ({ children }) => (
    <div className="my-2 overflow-x-auto">
      <table className="text-left text-xs [&_td]:border [&_td]:border-zinc-300 [&_td]:px-2 [&_td]:py-1 [&_th]:border [&_th]:border-zinc-300 [&_th]:px-2 [&_th]:py-1 dark:[&_td]:border-zinc-700 dark:[&_th]:border-zinc-700">{children}</table>
    </div>
  ),
};

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="agent-markdown space-y-2 text-[13px] leading-relaxed break-words [&_h1]:text-base [&_h1]:font-semibold [&_h2]:text-sm [&_h2]:font-semibold [&_h3]:font-semibold [&_li]:my-0.5 [&_ol]:list-decimal [&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5 [&_blockquote]:border-l-2 [&_blockquote]:border-zinc-300 [&_blockquote]:pl-2 [&_blockquote]:text-zinc-600 dark:[&_blockquote]:border-zinc-700 dark:[&_blockquote]:text-zinc-400">
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml components={components} urlTransform={(url) => (SAFE_URL.test(url) || /^https?:/i.test(url) ? url : '')}>
        {text}
      </ReactMarkdown>
    </div>
  );
});

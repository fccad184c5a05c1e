import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { WorkbenchLoader } from '@/components/workbench/workbench-loader';
import { getDb } from '@/db';
import { prefetchWorkbench } from '@/server/projects/workbench-prefetch';
import { monacoPreloads } from '@/server/runtime/monaco-preloads';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const metadata: Metadata = { title: 'Project · Cloud IDE' };

export default async function ProjectPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuid.test(id)) notFound();
  // Not awaited: the page's head (its chunks, Monaco's preloads) goes out at once and the data follows in the same response.
  const prefetched = prefetchWorkbench(await getDb(), (await headers()).get('cookie'), id);
  return <WorkbenchLoader projectId={id} editorChunks={monacoPreloads()} prefetched={prefetched} />;
}

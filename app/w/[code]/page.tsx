import type { Metadata } from 'next';
import { JoinWorkshop } from '@/components/workshop/join-workshop';

export const metadata: Metadata = { title: 'Join a workshop · Cloud IDE', referrer: 'same-origin' };

/** /w/<code>: a student types a name and gets their own copy of the workshop's starter project. */
export default async function JoinWorkshopPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <JoinWorkshop code={decodeURIComponent(code).slice(0, 32)} />;
}

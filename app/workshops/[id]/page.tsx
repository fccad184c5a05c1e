import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { WorkshopDashboard } from '@/components/workshop/dashboard';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const metadata: Metadata = { title: 'Workshop · Cloud IDE' };

/** /workshops/<id>: the teacher's live dashboard (anyone else is told it does not exist). */
export default async function WorkshopPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuid.test(id)) notFound();
  return <WorkshopDashboard workshopId={id} />;
}

import { getDb } from '@/db';
import { CARD_SIZE, renderShareCard, sharedTitle } from '@/server/share/card';

export const dynamic = 'force-dynamic';
export const size = CARD_SIZE;
export const contentType = 'image/png';
export const alt = 'A shared Cloud IDE project';

export default async function Image({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return renderShareCard(await sharedTitle(await getDb(), slug));
}

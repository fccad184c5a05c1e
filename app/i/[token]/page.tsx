import type { Metadata } from 'next';
import { InviteAccept } from '@/components/share/invite-accept';

export const metadata: Metadata = { title: 'Invitation · Cloud IDE', referrer: 'same-origin' };

/** GET /i/<token>: says what the invite offers; changes nothing until "Accept". */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <InviteAccept token={token} />;
}

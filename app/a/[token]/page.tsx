import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { AccessLinkConfirm } from '@/components/home/access-link-confirm';
import { getDb } from '@/db';
import { accessLinkView } from '@/server/auth/access-link';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Access link · Cloud IDE', referrer: 'same-origin' };

/** GET /a/<token>: says what switching would do; changes nothing (the button POSTs ./switch). */
export default async function AccessLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await accessLinkView(await getDb(), token, (await headers()).get('cookie'));
  return <AccessLinkConfirm token={token} view={view} />;
}

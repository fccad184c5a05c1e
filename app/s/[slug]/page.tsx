import type { Metadata } from 'next';
import { SharedWorkbench } from '@/components/share/shared-workbench';
import { getDb } from '@/db';
import { env, ideOrigin } from '@/lib/env';
import { cardTitle, sharedTitle } from '@/server/share/card';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { slug } = await params;
  const title = await sharedTitle(await getDb(), slug);
  const shown = title ? `${cardTitle(title)} · Cloud IDE` : 'Shared project · Cloud IDE';
  return {
    // The card's URL must be absolute, on the address people open the IDE at.
    metadataBase: new URL(env.PUBLIC_URL ?? ideOrigin),
    title: shown,
    referrer: 'same-origin',
    openGraph: { title: shown, description: 'Opens running, read-only. Fork it to make it yours.', type: 'website' },
    twitter: { card: 'summary_large_image', title: shown },
  };
}

/** GET /s/<slug>: the project read-only and running in the visitor's own sandbox (opening records the grant). */
export default async function SharePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <SharedWorkbench slug={slug} />;
}

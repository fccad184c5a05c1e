import 'server-only';
import { ImageResponse } from 'next/og';
import type { Db } from '@/db/client';
import { shareLinkBySlug } from '@/db/queries/sharing';

// The link preview of /s/<slug>: a generated card (Open Graph image) with the project's title. Rendered
// with next/og's bundled Geist font only: a glyph it lacks would make next/og fetch a font or emoji from
// a CDN, so the title keeps Latin characters only (others become "·").

export const CARD_SIZE = { width: 1200, height: 630 };
const FALLBACK_TITLE = 'A shared project';

/** The title as the card shows it: printable Latin-1 only, collapsed spaces, at most 80 characters. */
export function cardTitle(title: string): string {
  const safe = title
    .replace(/[^\u0020-\u007e\u00a0-\u00ff]/gu, '·')
    .replace(/\s+/g, ' ')
    .trim();
  const short = safe.length > 80 ? `${safe.slice(0, 79)}…` : safe;
  return short || FALLBACK_TITLE;
}

/** The live link's project title, or undefined (a revoked or unknown slug tells nothing). */
export async function sharedTitle(db: Db, slug: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(slug)) return undefined;
  return (await shareLinkBySlug(db, slug))?.title;
}

export function renderShareCard(title: string | undefined): ImageResponse {
  return new ImageResponse(
    (
      <div style={{ display: 'flex', flexDirection: 'column', justifyContent: 'space-between', width: '100%', height: '100%', padding: 72, background: '#18181b', color: '#fafafa' }}>
        <div style={{ display: 'flex', fontSize: 32, color: '#a5b4fc' }}>Cloud IDE · shared project</div>
        <div style={{ display: 'flex', fontSize: 72, fontWeight: 600, lineHeight: 1.15 }}>{cardTitle(title ?? FALLBACK_TITLE)}</div>
        <div style={{ display: 'flex', fontSize: 28, color: '#a1a1aa' }}>Opens running, read-only. Fork it to make it yours.</div>
      </div>
    ),
    CARD_SIZE,
  );
}

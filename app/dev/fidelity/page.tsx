import fs from 'node:fs/promises';
import path from 'node:path';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CompareView } from '@/components/design/compare-view';
import { env } from '@/lib/env';
import { designNames, designsDir } from '@/server/design/fixtures';
import { decodePng, encodePng } from '@/server/design/image';
import { scoreImages } from '@/server/design/score';

// Development only: the compare view on two design fixtures, e.g. /dev/fidelity?design=login&capture=pricing.

export const metadata: Metadata = { title: 'Fidelity compare · Cloud IDE' };

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

export default async function FidelityDevPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (env.NODE_ENV === 'production') notFound();
  const names = designNames();
  const query = await searchParams;
  const pick = (value: unknown) => (typeof value === 'string' && names.includes(value) ? value : names[0]);
  const design = pick(query.design);
  const capture = pick(query.capture ?? query.design);
  if (!design || !capture) return <p className="p-6">No design fixtures in {designsDir()}.</p>;
  const [a, b] = await Promise.all([design, capture].map((n) => fs.readFile(path.join(designsDir(), `${n}.png`))));
  const result = scoreImages(await decodePng(a!), await decodePng(b!), { diff: true });
  return (
    <main className="mx-auto max-w-6xl p-6">
      <h1 className="mb-4 text-lg font-semibold">
        {design} vs {capture}
      </h1>
      <CompareView
        design={dataUrl(a!)}
        capture={dataUrl(b!)}
        diff={dataUrl(await encodePng(result.diff!))}
        width={result.details.width}
        height={result.details.height}
        score={result.score}
        parts={result.parts}
      />
    </main>
  );
}

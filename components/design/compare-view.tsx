'use client';

import { useState } from 'react';

// Design vs capture, three ways: side by side, the capture over the design with an opacity slider,
// and the diff heat map (pixelmatch's mismatched pixels over the faded design), with the score's parts.

export interface FidelityParts {
  structure: number;
  pixels: number;
  colour: number;
  layout: number;
}

export interface CompareViewProps {
  /** Image URLs (data: or same-origin), all at the design's size. */
  design: string;
  capture: string;
  diff: string;
  width: number;
  height: number;
  score: number;
  parts: FidelityParts;
}

type Mode = 'side' | 'overlay' | 'diff';
const MODES: { id: Mode; label: string }[] = [
  { id: 'side', label: 'Side by side' },
  { id: 'overlay', label: 'Overlay' },
  { id: 'diff', label: 'Differences' },
];
const PART_LABELS: Record<keyof FidelityParts, string> = {
  structure: 'Structure',
  pixels: 'Pixels',
  colour: 'Colour',
  layout: 'Layout',
};

export function CompareView({ design, capture, diff, width, height, score, parts }: CompareViewProps) {
  const [mode, setMode] = useState<Mode>('side');
  const [opacity, setOpacity] = useState(50);
  const frame = { aspectRatio: `${width} / ${height}` };
  // Overlay and differences show one picture: as wide as fits, and never taller than 60 % of the window.
  const single = { ...frame, width: `min(100%, calc(60vh * ${width / height}))` };
  /* Plain <img>: data URLs made on the fly, nothing for next/image to optimise. */
  /* eslint-disable @next/next/no-img-element */
  return (
    <section aria-label="Design comparison" data-testid="compare-view" className="flex flex-col gap-3 text-sm text-zinc-900 dark:text-zinc-100">
      <header className="flex flex-wrap items-center gap-4">
        <p data-testid="fidelity-score" className="text-2xl font-semibold tabular-nums">
          {score.toFixed(1)}
          <span className="text-sm font-normal text-zinc-500"> / 100</span>
        </p>
        <dl className="flex gap-4">
          {(Object.keys(PART_LABELS) as (keyof FidelityParts)[]).map((key) => (
            <div key={key} data-testid={`fidelity-part-${key}`}>
              <dt className="text-xs text-zinc-500">{PART_LABELS[key]}</dt>
              <dd className="tabular-nums">{Math.round(parts[key] * 100)}%</dd>
            </div>
          ))}
        </dl>
        <div role="tablist" aria-label="Comparison mode" className="ml-auto flex rounded-md border border-zinc-300 dark:border-zinc-700">
          {MODES.map((m) => (
            <button
              key={m.id}
              type="button"
              role="tab"
              aria-selected={mode === m.id}
              onClick={() => setMode(m.id)}
              className={`px-3 py-1 ${mode === m.id ? 'bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900' : ''}`}
            >
              {m.label}
            </button>
          ))}
        </div>
      </header>

      {mode === 'side' && (
        <div className="grid grid-cols-2 gap-3">
          <figure>
            <img src={design} alt="Design" style={frame} className="w-full border border-zinc-200 dark:border-zinc-800" />
            <figcaption className="mt-1 text-xs text-zinc-500">Design</figcaption>
          </figure>
          <figure>
            <img src={capture} alt="Preview capture" style={frame} className="w-full border border-zinc-200 dark:border-zinc-800" />
            <figcaption className="mt-1 text-xs text-zinc-500">Preview</figcaption>
          </figure>
        </div>
      )}

      {mode === 'overlay' && (
        <div className="flex flex-col gap-2">
          <label className="flex items-center gap-2 text-xs text-zinc-500">
            Design
            <input
              type="range"
              min={0}
              max={100}
              value={opacity}
              onChange={(e) => setOpacity(Number(e.target.value))}
              aria-label="Preview opacity"
              className="w-48"
            />
            Preview
          </label>
          <div className="relative border border-zinc-200 dark:border-zinc-800" style={single}>
            <img src={design} alt="Design" className="absolute inset-0 h-full w-full" />
            <img src={capture} alt="Preview capture" className="absolute inset-0 h-full w-full" style={{ opacity: opacity / 100 }} />
          </div>
        </div>
      )}

      {mode === 'diff' && (
        <div className="relative border border-zinc-200 dark:border-zinc-800" style={single}>
          <img src={design} alt="Design" className="absolute inset-0 h-full w-full opacity-25 grayscale" />
          <img src={diff} alt="Differences" className="absolute inset-0 h-full w-full" />
        </div>
      )}
    </section>
  );
  /* eslint-enable @next/next/no-img-element */
}

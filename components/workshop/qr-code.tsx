'use client';

import QRCode from 'qrcode';
import { useMemo } from 'react';

/** A QR code drawn as SVG from the qrcode library's matrix: rendered in the page, nothing fetched. */
export function QrCode({ text, size = 192, testId }: { text: string; size?: number; testId?: string }) {
  const { count, path } = useMemo(() => {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    let d = '';
    for (let y = 0; y < modules.size; y++) for (let x = 0; x < modules.size; x++) if (modules.get(y, x)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
    return { count: modules.size + 8, path: d };
  }, [text]);
  return (
    <svg role="img" aria-label={`QR code for ${text}`} data-testid={testId} width={size} height={size} viewBox={`0 0 ${count} ${count}`} shapeRendering="crispEdges" className="rounded bg-white">
      <rect width={count} height={count} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

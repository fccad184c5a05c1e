'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { errorText } from '@/lib/errors';
import { useTRPCClient } from '@/lib/trpc/client';

/** Downloads the project as a zip (without dependencies, build output and what .gitignore names). */
export function ExportZip({ projectId }: { projectId: string }) {
  const client = useTRPCClient();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const { fileName, zip } = await client.archive.export.query({ projectId });
      const bytes = Uint8Array.from(atob(zip), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (error) {
      window.alert(`Could not export: ${errorText(error)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button className="ml-auto !px-2 !py-0.5 text-xs whitespace-nowrap" data-testid="export-zip" disabled={busy} onClick={() => void download()}>
      Export zip
    </Button>
  );
}

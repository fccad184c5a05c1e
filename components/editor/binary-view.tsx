const imageTypes: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
};

/** Files that are not text: images are shown, anything else is described. */
export function BinaryView({ path, content, size }: { path: string; content: string; size: number }) {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const type = imageTypes[ext];
  return (
    <div className="absolute inset-0 flex flex-col items-center justify-center gap-3 bg-white p-6 text-sm text-zinc-500 dark:bg-zinc-950">
      {type ? (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL of the user's own file, not an optimisable asset
        <img src={`data:${type};base64,${content}`} alt={path} className="max-h-[70%] max-w-full border border-zinc-200 object-contain dark:border-zinc-800" />
      ) : null}
      <p>
        {path} — binary file, {size.toLocaleString()} bytes{type ? '' : '; it cannot be edited as text'}.
      </p>
    </div>
  );
}
